"""The API explorer page: reachable from every page, its files served by this site."""

from __future__ import annotations

from urllib.parse import urlsplit


def test_the_footer_links_to_the_explorer(app):
    link = app.get("/").html.select_one("footer a[href$='/api-explorer']")
    assert link is not None and link.text == "API documentation (OpenAPI)"


def test_the_explorer_loads_swagger_ui_from_this_site(app):
    page = app.get("/api-explorer")
    assert page.html.select_one("h1").text == "API explorer"
    spec = page.html.select_one("#swagger-ui")["data-spec-url"]
    assert urlsplit(spec).path == "/api/v1/openapi.json"
    files = [link["href"] for link in page.html.select("link[rel=stylesheet]")]
    files += [script["src"] for script in page.html.select("script[src]")]
    assert any(f.endswith("/vendor/swagger-ui/swagger-ui-bundle.js") for f in files)
    for url in files:
        assert urlsplit(url).netloc == "localhost", url
        assert app.get(urlsplit(url).path).status_int == 200
    # The site's policy, unchanged: scripts and styles from this site only.
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "style-src 'self';" in policy


def test_the_explorer_says_what_to_do_without_javascript(app):
    noscript = app.get("/api-explorer").html.select_one("noscript")
    assert "OpenAPI document" in noscript.text


def test_in_arabic_the_page_is_right_to_left_and_swagger_ui_left_to_right(app):
    # Swagger UI is English with a physical stylesheet: mirrored, it would break.
    page = app.get("/api-explorer", {"_LOCALE_": "ar"})
    assert page.html.html["dir"] == "rtl"
    explorer = page.html.select_one("#swagger-ui")
    assert explorer["lang"] == "en" and explorer["dir"] == "ltr"
