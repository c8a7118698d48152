"""`mutmut results --all true | python -m tests.mutation_summary`: the score per module, as in docs/testing.md.

Score = killed (including timeouts: the mutant hung the tests) / mutants that were run. "No tests"
mutants (no selected test runs the code) count against the score: they are untested code.
"""

import re
import sys
from collections import Counter, defaultdict

LINE = re.compile(r"^\s*(?P<module>[\w.]+)\.x_[\w]+__mutmut_\d+: (?P<status>.+?)\s*$")


def summarise(lines) -> str:
    counts: dict[str, Counter] = defaultdict(Counter)
    for line in lines:
        match = LINE.match(line)
        if match:
            counts[match["module"]][match["status"]] += 1
    rows = ["| module | mutants | killed | timeout | survived | no tests | not run | score |", "|---" * 8 + "|"]
    for module in sorted(counts):
        c = counts[module]
        ran = sum(c.values()) - c["not checked"]
        caught = c["killed"] + c["timeout"]
        score = f"{100 * caught / ran:.0f}%" if ran else "–"
        rows.append(
            f"| `{module}` | {sum(c.values())} | {c['killed']} | {c['timeout']} | {c['survived']} | "
            f"{c['no tests']} | {c['not checked']} | {score} |"
        )
    return "\n".join(rows)


if __name__ == "__main__":
    print(summarise(sys.stdin))
