"""Summaries of a topic: central sentences, and an LLM that may fail without harm."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from civicplan.analytics.text.summarize import ExtractiveSummarizer, LLMSummarizer

ROADS = [
    "Здравствуйте! Дорога на улице Гагарина в Отрадном разбита, ямы по колено. "
    "Прошу отремонтировать дорогу. С уважением, Иван Петров.",
    "Дорога на улице Ленина в Отрадном разбита, машины ломают подвеску. Прошу "
    "отремонтировать дорогу до зимы.",
    "После зимы дорога на улице Мира разбита, сплошные ямы. Нужно отремонтировать дорогу.",
    "Добрый день. Во дворе нет освещения. Мой телефон [телефон].",
    "прошу отремонтировать дорогу на улице садовой ямы такие что не проехать",
]


def test_extractive_summary_takes_central_sentences_not_greetings_or_contacts():
    summary = ExtractiveSummarizer(max_sentences=2).summarize(ROADS)

    assert summary.method == "extractive"
    assert 1 <= len(summary.sentences) <= 2
    assert all("дорог" in s.lower() for s in summary.sentences)
    assert "уважением" not in summary.text
    assert "[телефон]" not in summary.text
    assert "Здравствуйте" not in summary.text
    # Every sentence is a resident's own (tidied), nothing invented.
    joined = " ".join(ROADS).lower()
    assert all(s.rstrip(".").lower()[:30] in joined for s in summary.sentences)


def test_extractive_summary_does_not_repeat_itself():
    texts = ["Прошу построить детский сад в Кинеле, очередь на три года."] * 5 + [
        "В Кинеле очередь в детский сад растянулась на три года, мамы не могут работать.",
        "Нужно открыть ясельные группы для детей до трёх лет в Кинеле.",
    ]
    summary = ExtractiveSummarizer(max_sentences=3).summarize(texts)

    assert len(set(summary.sentences)) == len(summary.sentences)
    assert summary.sentences[0] == "Прошу построить детский сад в Кинеле, очередь на три года."


def test_extractive_summary_of_nothing_and_of_unpunctuated_text():
    assert ExtractiveSummarizer().summarize([]).text == ""
    assert ExtractiveSummarizer().summarize(["", "  "]).text == ""
    summary = ExtractiveSummarizer().summarize(["нет автобуса до города"])
    assert summary.text == "Нет автобуса до города."


class _Handler(BaseHTTPRequestHandler):
    mode = "ok"
    received: list[dict] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length).decode("utf-8"))
        type(self).received.append({"body": body, "auth": self.headers.get("Authorization")})
        mode = type(self).mode
        if mode == "slow":
            time.sleep(1.5)
        if mode == "error":
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b"internal error")
            return
        if mode == "garbage":
            payload = b"<html>not json</html>"
        else:
            answer = "Жители просят отремонтировать разбитые дороги в Отрадном до зимы."
            payload = json.dumps(
                {"choices": [{"message": {"role": "assistant", "content": answer}}]},
                ensure_ascii=False,
            ).encode("utf-8")
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def llm_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Handler.received = []
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def test_llm_summary_when_the_server_answers(llm_server):
    _Handler.mode = "ok"
    summarizer = LLMSummarizer(url=llm_server, model="local-model", api_key="k-1", timeout=5)

    summary = summarizer.summarize(ROADS)

    assert summary.method == "llm"
    assert summary.error is None
    assert summary.text.startswith("Жители просят отремонтировать")
    request = _Handler.received[0]
    assert request["auth"] == "Bearer k-1"
    assert request["body"]["model"] == "local-model"
    assert "Дорога на улице Гагарина" in request["body"]["messages"][1]["content"]


@pytest.mark.parametrize(
    ("mode", "reason"),
    [("slow", "нет ответа"), ("error", "500"), ("garbage", "непонятный ответ")],
)
def test_llm_failure_falls_back_to_the_extractive_summary(llm_server, mode, reason):
    _Handler.mode = mode
    summarizer = LLMSummarizer(url=llm_server, model="m", timeout=0.5)

    started = time.perf_counter()
    summary = summarizer.summarize(ROADS)
    elapsed = time.perf_counter() - started

    assert summary.method == "extractive"
    assert reason in (summary.error or "")
    assert summary.text == ExtractiveSummarizer().summarize(ROADS).text
    assert elapsed < 1.4  # the slow server is not waited for


def test_llm_unreachable_server_falls_back():
    # A port on loopback that nothing listens on.
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    summary = LLMSummarizer(url=f"http://127.0.0.1:{port}/v1", model="m", timeout=2).summarize(
        ROADS
    )
    assert summary.method == "extractive"
    assert "недоступен" in (summary.error or "")


def test_llm_summarizer_requires_url_and_model():
    with pytest.raises(ValueError):
        LLMSummarizer(url="", model="m")
