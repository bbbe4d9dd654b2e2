"""``aiact-kg serve``: options, defaults and errors."""

from __future__ import annotations

import pytest

from aiact_kg import cli


def test_serve_binds_to_loopback_by_default():
    args = cli.parser().parse_args(["serve"])
    assert args.host == "127.0.0.1" and args.port == 8080 and not args.debug


def test_serve_takes_the_store_options():
    args = cli.parser().parse_args(["serve", "--store", "/tmp/x", "--port", "9000", "--debug"])
    assert args.store == "/tmp/x" and args.port == 9000 and args.debug


def test_serve_refuses_a_bad_port(capsys):
    assert cli.main(["serve", "--port", "70000"]) == 2
    assert "--port" in capsys.readouterr().err


def test_serve_refuses_store_and_endpoint_together(capsys):
    assert cli.main(["serve", "--store", "/tmp/x", "--endpoint", "http://127.0.0.1:1/sparql"]) == 2


@pytest.mark.parametrize("option", ["--host", "--port", "--store", "--endpoint", "--debug"])
def test_serve_help_lists_its_options(capsys, option):
    with pytest.raises(SystemExit):
        cli.main(["serve", "--help"])
    assert option in capsys.readouterr().out
