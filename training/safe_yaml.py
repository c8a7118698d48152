"""YAML for uploaded content (lesson front matter, scenario files): safe, shallow and optionally alias-free.

PyYAML composes nested collections recursively, so `[[[[…]]]]` 20,000 levels deep raised RecursionError
out of every importer (a 500 in the admin, a traceback in the commands). The loader counts the depth as
it composes and stops long before Python's stack does; no lesson or scenario nests anywhere near it.
"""

import yaml
from django.utils.translation import gettext as _

MAX_DEPTH = 50


class _ShallowLoader(yaml.SafeLoader):
    allow_aliases = True

    def compose_node(self, parent, index):
        if not self.allow_aliases and self.check_event(yaml.AliasEvent):
            # A few lines of `&a [*b, *b, ...]` grow into millions of nodes (the "billion laughs").
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, _("YAML 别名（*name）不受支持"), mark)
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise yaml.composer.ComposerError(None, None, _("YAML 嵌套超过 %(n)s 层") % {"n": MAX_DEPTH}, mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _ShallowNoAliasLoader(_ShallowLoader):
    allow_aliases = False


def load(text: str, *, aliases: bool = True):
    """yaml.safe_load with a depth limit (and, with aliases=False, no anchors or aliases).

    Raises yaml.YAMLError for anything it refuses, like any other malformed YAML."""
    loader = _ShallowLoader if aliases else _ShallowNoAliasLoader
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 (both loaders are SafeLoaders)
    except RecursionError:  # belt and braces: the depth limit should stop it first
        raise yaml.YAMLError(_("YAML 嵌套过深")) from None
