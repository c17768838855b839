"""Uploaded files are served with a safe content type, never as HTML or a script."""

from __future__ import annotations

import pytest


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "covers").mkdir()
    (tmp_path / "covers" / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0JFIF-data")
    (tmp_path / "covers" / "page.html").write_text("<script>alert(1)</script>")
    return tmp_path


def test_image_is_shown_inline_with_nosniff(client, media_root):
    response = client.get("/media/covers/photo.jpg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_other_files_are_downloaded_not_rendered(client, media_root):
    response = client.get("/media/covers/page.html")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


def test_paths_outside_media_are_refused(client, media_root, db):
    # The 404 page is the site's layout, which asks the session who is signed in.
    assert client.get("/media/../../etc/passwd").status_code == 404
    assert client.get("/media/covers/missing.png").status_code == 404
