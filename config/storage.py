"""Static files: content-hashed names, gzip copies, cached for ever by browsers.

`collectstatic` (run by `make run` and every deployment) writes each file under a name with its
content hash, a gzip copy and a manifest; WhiteNoise serves a hashed name with
`Cache-Control: max-age=315360000, public, immutable`, so a phone loads the CSS and JS once
and asks again only when a file changes (its name changes with it).

Where collectstatic has not run (a fresh checkout's tests, `manage.py runserver`), a name missing
from the manifest is served under its plain name from the apps' static folders (WhiteNoise's
finders, short max-age) instead of failing the page.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def stored_name(self, name):
        try:
            return super().stored_name(name)
        except ValueError:  # neither in the manifest nor collected: no hash to give
            return name
