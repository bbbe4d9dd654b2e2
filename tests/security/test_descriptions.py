"""Hostile descriptions: XML entities (billion laughs, external, parameter), external DTDs,
remote and file: JSON-LD contexts, owl:imports, oversize files and triple counts, invalid
UTF-8 and binary data; on the command line and on the Validate page. Each is refused with
a message naming the problem, in under 2 s, and nothing is fetched."""

from __future__ import annotations

import time

import pytest

from aiact_kg import cli, limits, validation

RDF = 'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/"'


def billion_laughs(levels: int = 9) -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, levels + 1)]
    return (f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n{chr(10).join(entities)}\n]>\n'
            f'<rdf:RDF {RDF}><rdf:Description rdf:about="http://example.org/s"><ex:p>&lol{levels};</ex:p>'
            f"</rdf:Description></rdf:RDF>\n").encode()


def hostile(url: str) -> dict[str, tuple[str, bytes, str]]:
    """name -> (file name, content, what the error says)"""
    body = f'<rdf:RDF {RDF}><rdf:Description rdf:about="http://example.org/s"><ex:p>&x;</ex:p></rdf:Description></rdf:RDF>'
    return {
        "billion laughs": ("billion.rdf", billion_laughs(), "nested entities are refused"),
        "external entity (file)": ("xxe.rdf", f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY x SYSTEM '
                                   f'"file:///etc/passwd">]>{body}'.encode(), "external entit"),
        "external entity (http)": ("xxe.rdf", f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY x SYSTEM '
                                   f'"{url}/x">]>{body}'.encode(), "external entit"),
        "public entity": ("xxe.rdf", f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY x PUBLIC "-//x//EN" '
                          f'"{url}/x">]>{body}'.encode(), "external entit"),
        "parameter entity": ("pe.rdf", f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY % p SYSTEM "{url}/p.dtd"> '
                             f'%p;]>{body}'.encode(), "parameter entit"),
        "external DTD": ("dtd.rdf", f'<?xml version="1.0"?><!DOCTYPE rdf:RDF SYSTEM "{url}/x.dtd">{body}'.encode(),
                         "external DTD"),
        "external DTD with a subset": ("dtd.rdf", f'<?xml version="1.0"?><!DOCTYPE rdf:RDF SYSTEM "{url}/x.dtd" '
                                       f'[<!ENTITY x "y">]>{body}'.encode(), "external DTD"),
        "UTF-16 RDF/XML": ("u16.rdf", '<?xml version="1.0" encoding="UTF-16"?><rdf:RDF/>'.encode("utf-16"), "UTF-16"),
        "remote JSON-LD context": ("r.jsonld", f'{{"@context": "{url}/c.jsonld", "@id": "http://example.org/s"}}'.encode(),
                                   "never fetched"),
        "file: JSON-LD context": ("f.jsonld", b'{"@context": "file:///etc/passwd", "@id": "http://example.org/s"}',
                                  "never fetched"),
        "remote context in a list": ("l.jsonld", f'{{"@context": [{{"ex": "http://example.org/"}}, "{url}/c"], '
                                     f'"@id": "http://example.org/s"}}'.encode(), "never fetched"),
        "nested remote context": ("n.jsonld", f'{{"@id": "http://example.org/s", "http://example.org/p": '
                                  f'{{"@context": "{url}/c", "@id": "http://example.org/o"}}}}'.encode(), "never fetched"),
        "scoped remote context": ("s.jsonld", f'{{"@context": {{"p": {{"@id": "http://example.org/p", '
                                  f'"@context": "{url}/c"}}}}, "@id": "http://example.org/s"}}'.encode(), "never fetched"),
        "JSON-LD @import": ("i.jsonld", f'{{"@context": {{"@version": 1.1, "@import": "{url}/c"}}, '
                            f'"@id": "http://example.org/s"}}'.encode(), "never fetched"),
        "invalid UTF-8": ("bad.ttl", b"@prefix ex: <http://example.org/> .\nex:s ex:p \"\xff\xfe\xfa\" .\n", "Turtle"),
        "binary": ("blob.ttl", bytes(range(256)) * 64, "Turtle"),
        "binary named RDF/XML": ("blob.rdf", b"\x00\x01\x02PK\x03\x04" * 100, "RDF/XML"),
    }


NAMES = list(hostile("http://127.0.0.1:1"))


@pytest.mark.parametrize("name", NAMES)
def test_a_hostile_description_is_refused_quickly_and_fetches_nothing(quiet_listener, name):
    filename, data, expected = hostile(quiet_listener.url)[name]
    start = time.monotonic()
    with pytest.raises(validation.InputError) as refused:
        validation.parse(data, filename)
    assert time.monotonic() - start < 2
    assert expected in str(refused.value) and filename in str(refused.value)


def test_owl_imports_is_never_followed(quiet_listener):
    text = (f"@prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix aiact: <https://w3id.org/aiact-kg/ontology#> .\n"
            f"<{quiet_listener.url}/me> owl:imports <{quiet_listener.url}/ontology.ttl> .\n"
            f"<http://example.org/s> a aiact:AISystem .\n")
    report = validation.validate_bytes(text.encode(), "imports.ttl")
    assert report.triples == 2


def test_simple_entities_of_ontology_editors_are_still_read():
    data = (f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n  <!ENTITY ex "http://example.org/" >\n'
            f'  <!-- a comment -->\n]>\n<rdf:RDF {RDF}><rdf:Description rdf:about="&ex;s"><ex:p>v</ex:p>'
            f"</rdf:Description></rdf:RDF>").encode()
    graph = validation.parse(data, "protege.rdf")
    assert {str(s) for s in graph.subjects()} == {"http://example.org/s"}


def test_entities_that_expand_past_the_size_limit_are_refused():
    big = "x" * 60_000
    data = (f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY big "{big}">]><rdf:RDF {RDF}>'
            f'<rdf:Description rdf:about="http://example.org/s"><ex:p>{"&big;" * 100}</ex:p></rdf:Description>'
            "</rdf:RDF>").encode()
    small = limits.CLI_VALIDATE.but(max_bytes=1024 * 1024)
    with pytest.raises(validation.InputError, match="expand it to 5.8 MB.*--max-bytes"):
        validation.parse(data, "wide.rdf", small)


def many_triples(count: int) -> bytes:
    return b"@prefix ex: <http://example.org/> .\n" + b"".join(b"ex:s%d ex:p %d .\n" % (i, i) for i in range(count))


def test_a_description_of_120000_triples_is_refused_in_under_2_s(tmp_path, capsys):
    """The probe's case: 4.9 MB of Turtle, 120,000 triples (it once took 261 s and 5.3 GB)."""
    path = tmp_path / "big.ttl"
    path.write_bytes(many_triples(120_000))
    assert path.stat().st_size < validation.MAX_BYTES
    start = time.monotonic()
    assert cli.main(["validate", str(path)]) == 2
    assert time.monotonic() - start < 2
    err = capsys.readouterr().err
    assert "more than 50,000 triples" in err and "--max-triples" in err and "Traceback" not in err


def test_billion_laughs_on_the_command_line_is_refused_in_under_2_s(tmp_path, capsys):
    path = tmp_path / "billion.rdf"
    path.write_bytes(billion_laughs())
    start = time.monotonic()
    assert cli.main(["validate", str(path)]) == 2
    assert time.monotonic() - start < 2
    err = capsys.readouterr().err
    assert "billion.rdf" in err and "nested entities are refused" in err


def test_an_oversize_file_is_refused_unread_naming_the_flag(tmp_path, capsys):
    path = tmp_path / "huge.ttl"
    path.write_bytes(b"#" * (6 * 1024 * 1024))
    assert cli.main(["validate", str(path)]) == 2
    assert "--max-bytes" in capsys.readouterr().err


def test_the_flags_raise_the_limits(tmp_path, capsys):
    path = tmp_path / "mid.ttl"
    path.write_bytes(many_triples(200))
    assert cli.main(["validate", str(path), "--max-triples", "100"]) == 2
    assert "more than 100 triples" in capsys.readouterr().err
    assert cli.main(["validate", str(path), "--max-triples", "1000", "--format", "json"]) in (0, 1)


def test_the_time_limit_stops_a_validation_with_a_clear_error(tmp_path, capsys, monkeypatch):
    path = tmp_path / "slow.ttl"
    path.write_bytes(many_triples(10))

    def slow(*args, **kwargs):
        while True:
            time.sleep(0.01)

    monkeypatch.setattr(validation.Engine, "_run_shapes", slow)
    monkeypatch.setattr(validation, "_ENGINE", None)
    start = time.monotonic()
    assert cli.main(["validate", str(path), "--time-limit", "0.5"]) == 2
    assert time.monotonic() - start < 5
    err = capsys.readouterr().err
    assert "longer than 0.5 s" in err and "--time-limit" in err


def test_the_memory_limit_stops_a_validation_with_a_clear_error(tmp_path, capsys, monkeypatch):
    path = tmp_path / "greedy.ttl"
    path.write_bytes(many_triples(10))

    def greedy(*args, **kwargs):
        hoard = []
        while True:
            hoard.append(bytearray(8 * 1024 * 1024))
            time.sleep(0.005)

    monkeypatch.setattr(validation.Engine, "_run_shapes", greedy)
    monkeypatch.setattr(validation, "_ENGINE", None)
    assert cli.main(["validate", str(path), "--memory-limit", "64MB"]) == 2
    err = capsys.readouterr().err
    assert "more than 64 MB of memory" in err and "--memory-limit" in err


# -- the Validate page -------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["billion laughs", "external entity (http)", "parameter entity",
                                  "remote JSON-LD context", "binary", "invalid UTF-8"])
def test_the_validate_page_refuses_hostile_uploads_with_a_4xx(client, quiet_listener, name):
    import io

    filename, data, expected = hostile(quiet_listener.url)[name]
    # the page's first refusal also loads what every refusal shares (templates, labels): time the refusal alone
    client.post("/validate", data={"file": (io.BytesIO(b"<s> <p>"), "warm.ttl"), "on": "2026-08-02"},
                content_type="multipart/form-data")
    start = time.monotonic()
    response = client.post("/validate", data={"file": (io.BytesIO(data), filename), "on": "2026-08-02"},
                           content_type="multipart/form-data")
    assert time.monotonic() - start < 2
    assert response.status_code == 400
    assert expected in response.get_data(as_text=True)


def test_the_validate_page_refuses_too_many_triples_naming_the_setting(client):
    import io

    response = client.post("/validate", data={"file": (io.BytesIO(many_triples(20_000)), "big.ttl")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "more than 10,000 triples" in page and "VALIDATE_MAX_TRIPLES" in page


def test_the_validate_page_refuses_an_oversize_upload(client):
    import io

    response = client.post("/validate", data={"file": (io.BytesIO(b"#" * (1024 * 1024 + 10)), "big.ttl")},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    assert "VALIDATE_MAX_BYTES" in response.get_data(as_text=True)


def test_a_binary_query_file_is_one_line_of_error(tmp_path, capsys):
    path = tmp_path / "bad.rq"
    path.write_bytes(b"\xff\xfe\x00\x01binary")
    assert cli.main(["query", str(path)]) == 2
    err = capsys.readouterr().err
    assert "not a SPARQL query in UTF-8" in err and "Traceback" not in err
