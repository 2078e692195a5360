"""``manage.py check`` says when Graphviz is missing, and names the package to install."""

from django.core.management import call_command

from strategy import checks


def test_check_warns_without_graphviz_and_names_the_debian_package(monkeypatch, capsys):
    monkeypatch.setattr(checks, "dot_available", lambda: False)

    call_command("check")

    err = capsys.readouterr().err
    assert "strategy.W001" in err
    assert "apt-get install graphviz" in err


def test_check_is_quiet_with_graphviz(monkeypatch, capsys):
    monkeypatch.setattr(checks, "dot_available", lambda: True)

    call_command("check")

    assert "strategy.W001" not in capsys.readouterr().err
