"""An error nobody planned for while applying is answered with a JSON 500 that says what it was, logged once."""

from tests.gateways.agent.conftest import SECRET, RunningAgent, dns64_intent


def test_an_unexpected_error_while_applying_is_a_json_500_logged_once(agent: RunningAgent) -> None:
    # The agent cannot record what it runs: its state file's place is taken by a directory.
    state_file = agent.directory / "state" / "state.json"
    state_file.mkdir(parents=True)

    reply = agent.push(1, dns64_intent())

    assert reply.status_code == 500
    assert reply.json()["status"] == "error"
    assert reply.json()["reason"].startswith("IsADirectoryError: [Errno 21] Is a directory")
    assert str(state_file) in reply.json()["reason"]
    log = agent.log()
    assert log.count("Traceback") == 1 and log.count("/v1/intent from 127.0.0.1 failed") == 1
    assert SECRET.decode() not in log
    assert agent.post("/v1/ping", b"").json()["status"] == "ok"  # the agent keeps serving
