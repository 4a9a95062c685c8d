"""The app trusts no host: real HTTP requests against a launched app, with forged Host and Origin headers."""

from __future__ import annotations

import httpx
import pytest
from fake_api import FakeQA
from ui_helpers import free_port

from ui.hosts import allowed_hosts


@pytest.fixture
def served(tmp_path, monkeypatch):
    from ui.app import launch

    monkeypatch.setenv("QA_ALLOWED_HOSTS", "qa.example.org, proxy.internal:8443")
    from qa.settings import get_settings

    get_settings.cache_clear()
    port = free_port()
    app = launch("127.0.0.1", port, api=FakeQA(delay=0), block=False, quiet=True, store=tmp_path / "store")
    yield f"http://127.0.0.1:{port}", port
    app.close()


def get(url: str, **headers: str) -> httpx.Response:
    return httpx.get(url, headers=headers, timeout=30)


def test_forged_host_and_origin_get_403_without_cors(served):
    url, port = served
    ok = get(f"{url}/config")
    assert ok.status_code == 200
    for headers in ({"Host": "evil.example"}, {"Host": f"evil.example:{port}"}, {"Origin": "http://evil.example"},
                    {"Host": "evil.example", "Origin": "http://evil.example"}, {"Origin": "null"}, {"Host": "127.0.0.1:1"}):
        refused = get(f"{url}/config", **headers)
        assert refused.status_code == 403, headers
        assert "access-control-allow-origin" not in refused.headers
        assert "QA_ALLOWED_HOSTS" in refused.text
    posted = httpx.post(f"{url}/gradio_api/call/ask", json={"data": ["q"]}, headers={"Host": "evil.example", "Origin": "http://evil.example"})
    assert posted.status_code == 403 and "access-control-allow-origin" not in posted.headers


def test_own_addresses_and_configured_proxy_names_are_answered(served):
    url, port = served
    for headers in ({"Host": f"localhost:{port}"}, {"Host": f"127.0.0.1:{port}", "Origin": f"http://127.0.0.1:{port}"},
                    {"Origin": f"http://localhost:{port}"}, {"Host": "qa.example.org", "Origin": "https://qa.example.org"},
                    {"Host": "proxy.internal:8443"}):
        assert get(f"{url}/config", **headers).status_code == 200, headers
    assert get(f"{url}/config", Host="proxy.internal:9999").status_code == 403


def test_allowed_hosts_rules():
    allowed = allowed_hosts("10.0.0.5", 7860, "QA.Example.org,edge:443")
    assert allowed.allows("10.0.0.5:7860") and allowed.allows("[::1]:7860") and allowed.allows("qa.example.org:1234")
    assert allowed.allows("edge:443") and not allowed.allows("edge:444") and not allowed.allows("10.0.0.5:7861")
    assert not allowed.allows("evil.example") and not allowed.allows("") and not allowed.allows("bad host:x")
