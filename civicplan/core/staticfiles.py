"""Static files with content hashes in their names, so WhiteNoise serves them with a cache
lifetime of a year (`immutable`); a file missing from the manifest falls back to its plain
name instead of failing the page."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]  # untyped
    manifest_strict = False

    def url(self, name: str | None, force: bool = False) -> str:
        """Before `collectstatic` has run (a developer's checkout) the plain address, which
        WhiteNoise serves from the app directories."""
        try:
            return str(super().url(name, force))
        except ValueError:
            return str(self._url(lambda n: n, name or "", force))
