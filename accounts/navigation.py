"""What an app puts in the main navigation: entries it offers a person, composed by config.

Each app has a `nav.py` with `entries(user) -> list[NavEntry]` (like `home.panels(user)`); config
(config/navigation.py) asks every app once per request, in its NAV_PROVIDERS order, and sorts by
`order`. An entry is active on every page of its URL namespace.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class NavEntry:
    url_name: str  # "training:index"
    label: str  # lazy translation, rendered as is
    order: int

    @property
    def namespace(self) -> str:
        return self.url_name.split(":")[0] if ":" in self.url_name else ""
