from pathlib import Path

from webapp import config

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_readme_lists_every_setting():
    readme = README.read_text()
    for setting in config.SETTINGS:
        assert f"| `{setting.name}` |" in readme, setting.name


def test_defaults_run_on_sqlite_in_the_instance_folder(tmp_path):
    settings = config.load(tmp_path, environ={})
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'careplan.sqlite'}"
    assert settings["SESSION_COOKIE_NAME"] == "session" and not settings["SESSION_COOKIE_SECURE"]


def test_the_secret_key_is_generated_once_and_kept(tmp_path):
    first = config.load(tmp_path, environ={})["SECRET_KEY"]
    assert len(first) > 40
    assert config.load(tmp_path, environ={})["SECRET_KEY"] == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_https_turns_on_secure_host_prefixed_cookies(tmp_path):
    settings = config.load(tmp_path, environ={"HTTPS": "1"})
    assert settings["SESSION_COOKIE_SECURE"] and settings["SESSION_COOKIE_NAME"] == "__Host-session"
    assert settings["PREFERRED_URL_SCHEME"] == "https"


def test_postgres_urls_get_the_psycopg_driver(tmp_path):
    settings = config.load(tmp_path, environ={"DATABASE_URL": "postgres://u:p@db:5432/care"})
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db:5432/care"
