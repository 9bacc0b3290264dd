import json
import re

from webapp.access import public
from webapp.security import CONTENT_SECURITY_POLICY


def test_health_answers_once_the_database_does(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_health_says_unavailable_when_the_database_is_not(app, client, tmp_path):
    from sqlalchemy import create_engine

    from webapp.extensions import db

    broken = create_engine(f"sqlite:///{tmp_path}/missing-dir/x.sqlite")
    real = db.engines[None]
    db._app_engines[app][None] = broken
    try:
        response = client.get("/health")
    finally:
        db._app_engines[app][None] = real
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"


def test_manifest_makes_the_app_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json()
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert manifest["name"] and manifest["short_name"] and manifest["theme_color"]
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"),
            ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200 and image.mimetype == "image/png"
        width, height = icon["sizes"].split("x")
        assert image.data[16:24] == int(width).to_bytes(4, "big") + int(height).to_bytes(4, "big")


def test_every_page_links_the_manifest(client, world):
    for path in ("/login", "/offline", "/activate"):
        assert '<link rel="manifest" href="/manifest.webmanifest">' in client.get(path).get_data(
            as_text=True)
    client.sign_in_quickly(world.patient.user)
    assert 'rel="manifest"' in client.get("/").get_data(as_text=True)


def test_service_worker_is_served_from_the_root_and_precaches_the_shell(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    prelude = json.loads(re.match(r"self.SHELL = (.*);\n", response.get_data(as_text=True))[1])
    assert "/offline" in prelude["assets"]
    assert "/static/vendor/nhsuk/nhsuk-frontend.min.css" in prelude["assets"]
    assert "/static/js/app.mjs" in prelude["assets"]
    for url in prelude["assets"] + prelude["modules"]:
        assert client.get(url).status_code == 200, url


def test_worker_modules_outside_the_folder_are_not_served(client):
    assert client.get("/sw/../pyproject.toml").status_code == 404
    assert client.get("/sw/nothing.js").status_code == 404


def test_offline_page_carries_no_account_details(client, world):
    client.sign_in_quickly(world.patient.user)
    page = client.get("/offline").get_data(as_text=True)
    assert "You are offline" in page
    assert world.patient.user.name not in page and "Sign out" not in page


def test_security_headers_on_every_page(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert csp == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_when_served_over_https(app, client):
    app.config["HTTPS"] = True
    assert "max-age=" in client.get("/login").headers["Strict-Transport-Security"]


def test_signed_in_pages_are_not_stored_by_caches(client, world):
    client.sign_in_quickly(world.patient.user)
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert client.get("/login").headers["Cache-Control"] == "no-store"


def test_pages_have_no_inline_script_or_style(client, world):
    client.sign_in_quickly(world.admin)
    for path in ("/", "/patients", "/admin/staff", "/account", "/patients/new"):
        page = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), path
        assert " style=" not in page and "<style" not in page, path


def test_css_loads_nothing_from_other_hosts(client):
    css = client.get("/static/vendor/nhsuk/nhsuk-frontend.min.css").get_data(as_text=True)
    assert "assets.nhs.uk" not in css and "https://" not in css
    for url in set(re.findall(r"url\((/static/[^)]+)\)", css)):
        assert client.get(url).status_code == 200, url


def test_error_pages_are_in_the_service_style(client, world):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    assert "nhsuk-header" in response.get_data(as_text=True)
    client.sign_in_quickly(world.patient.user)
    forbidden = client.get("/patients")
    assert forbidden.status_code == 403
    assert "You cannot see this page" in forbidden.get_data(as_text=True)
    json_404 = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert json_404.get_json() == {"error": json_404.get_json()["error"]}


def test_an_unexpected_error_shows_the_500_page(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/boom")
    @public
    def boom():
        raise RuntimeError("kaboom")

    response = client.get("/boom")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.get_data(as_text=True)
