"""The layout stays as the README draws it: no import circle, pure engines, one direction.

Read from the source (tests/layout/imports.py), so a new import anywhere, even one inside a
function, is seen the moment it is written.
"""
from __future__ import annotations

import pytest

from tests.layout.imports import circles, graph, imports_of, modules

# What the pure floors may not reach: the web framework, the database, the clock, or any floor
# of ours that holds them.
IMPURE = ("flask", "flask_sqlalchemy", "flask_smorest", "flask_migrate", "flask_wtf", "sqlalchemy",
          "werkzeug", "psycopg", "apscheduler", "scheduler.extensions", "scheduler.clock",
          "scheduler.models", "scheduler.services", "scheduler.api", "scheduler.web",
          "notifications.models", "notifications.services", "notifications.api",
          "notifications.web", "notifications.worker", "notifications.channels")
ENGINES = ("scheduler.engine", "notifications.engine")


def _within(module: str, prefixes) -> bool:
    return any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes)


def _all_imports() -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(path, known) for name, path in known.items()}


def test_no_module_of_the_service_is_part_of_an_import_circle():
    assert circles(graph()) == []


@pytest.mark.parametrize("engine", ENGINES)
def test_the_engines_import_no_flask_no_database_and_no_clock(engine):
    reached = {(name, target) for name, targets in _all_imports().items() if _within(name, [engine])
               for target in targets if _within(target, IMPURE)}
    assert reached == set()
    assert any(_within(name, [engine]) for name in modules())  # the floor is there to check


def test_scheduling_rules_and_tables_know_nothing_of_notifications():
    reached = {(name, target) for name, targets in graph().items()
               if _within(name, ["scheduler.engine", "scheduler.models"])
               for target in targets if _within(target, ["notifications"])}
    assert reached == set()


def test_the_notification_rules_take_from_scheduling_only_its_rules():
    reached = {(name, target) for name, targets in graph().items() if _within(name, ["notifications.engine"])
               for target in targets if _within(target, ["scheduler"]) and not _within(target, ["scheduler.engine"])}
    assert reached == set()


def test_the_reader_sees_imports_inside_functions_and_relative_ones(tmp_path, monkeypatch):
    """The checks above are only as good as the reader: a planted import must be found."""
    from tests.layout import imports

    package = tmp_path / "scheduler" / "engine"
    package.mkdir(parents=True)
    planted = package / "planted.py"
    planted.write_text("from . import hours\n\ndef f():\n    from flask import current_app\n"
                       "    import sqlalchemy.orm\n")
    monkeypatch.setattr(imports, "ROOT", tmp_path)
    known = {"scheduler.engine.hours": package / "hours.py"}
    assert imports_of(planted, known) == {"scheduler.engine.hours", "flask", "sqlalchemy.orm"}
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
