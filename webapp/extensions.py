"""Extensions are created once here and bound to an app in create_app()."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from webapp.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
# Only the routes that check a secret (sign-in, its code step, activation) carry limits; the
# address is request.remote_addr, which ProxyFix sets from X-Forwarded-For behind a proxy.
limiter = Limiter(key_func=get_remote_address)
