"""URLs of one object, reversed once per process instead of once per row.

`{% url 'training:lesson' row.lesson.pk %}` in a loop ran Django's resolver for every row (about 20 µs,
9% of the 业务学习 page's render: bench/render.py with py-spy). The URLconf does not change while the
process runs, so pk_url reverses each name once per script prefix with a placeholder and fills the
pk in after. Only for patterns whose one argument is an `<int:...>` (its to_url is str()).
"""

from django.urls import get_script_prefix, reverse

_PLACEHOLDER = 918273645  # no row has it in a test or a center; the split below checks it is there once
_split: dict[tuple[str, str], tuple[str, str]] = {}


def pk_url(name: str, pk: int) -> str:
    key = (get_script_prefix(), name)
    parts = _split.get(key)
    if parts is None:
        url = reverse(name, args=[_PLACEHOLDER])
        head, found, tail = url.partition(str(_PLACEHOLDER))
        if not found or str(_PLACEHOLDER) in tail:
            raise ValueError(f"{name}: not a URL of one integer argument ({url})")
        parts = _split[key] = (head, tail)
    return f"{parts[0]}{int(pk)}{parts[1]}"
