"""Staff passwords are hashed with Argon2id at the production cost everywhere but in the tests.

The suite runs on TestingConfig's cheapest Argon2 (a sign-in would otherwise cost 0.3 s); these
tests make sure that choice stays in the tests: the settings a clinic runs on keep argon2-cffi's
own defaults (RFC 9106's low-memory choice), and an account made there is hashed at that cost.
"""
from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from config import DevelopmentConfig, ProductionConfig, TestingConfig
from scheduler import create_app
from scheduler.extensions import db
from scheduler.models import StaffUser
from scheduler.services.staff import create_staff, sign_in

PASSWORD = "a long enough password"


class ClinicProduction(ProductionConfig):
    SECRET_KEY = "a production secret for this test"


@pytest.mark.parametrize("settings", [ProductionConfig, DevelopmentConfig])
def test_the_settings_a_clinic_runs_on_keep_argon2s_own_costs(settings):
    library = PasswordHasher()
    assert settings.PASSWORD_HASHING == {"time_cost": library.time_cost, "memory_cost": library.memory_cost,
                                         "parallelism": library.parallelism}
    assert TestingConfig.PASSWORD_HASHING["memory_cost"] < library.memory_cost  # only the tests


def test_an_account_made_in_production_is_hashed_at_the_production_cost(app, database_url):
    production = create_app(ClinicProduction, SQLALCHEMY_DATABASE_URI=database_url, CLOCK=app.config["CLOCK"])
    with production.app_context():
        create_staff("admin@clinic.example", PASSWORD, "admin")
        stored = db.session.scalar(db.select(StaffUser.password_hash))
        db.engine.dispose()
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    with app.app_context():  # and the tests' cheaper settings still read it
        assert sign_in("admin@clinic.example", PASSWORD, "127.0.0.1").role == "admin"
