"""The Gradio demo driven for real: `python app.py` on the offline profile in a subprocess (the
packaged models, nothing faked), turns through `gradio_client` (text, audio, image), and the page
itself in headless Chromium through Selenium, with a screenshot saved to `test-artifacts/`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

gradio_client = pytest.importorskip("gradio_client")
from gradio_client import Client, handle_file  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ARTEFACTS = ROOT / "test-artifacts"
SAID = "I lost my job today and I feel terrible."


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo as a user starts it (`python app.py`), on a free port, with its own data folder."""
    data = tmp_path_factory.mktemp("demo-data")
    log = data / "app.log"
    port = free_port()
    env = {**os.environ, "EMPATHICA_DATA_DIR": str(data), "EMPATHICA_CONFIG": str(data / "none.toml")}
    with open(log, "w") as out:
        process = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--port", str(port)], cwd=ROOT,
                                   env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.time() + 600
    while "models loaded" not in log.read_text():
        assert process.poll() is None, f"the demo exited:\n{log.read_text()[-3000:]}"
        assert time.time() < deadline, f"the models did not load in time:\n{log.read_text()[-3000:]}"
        time.sleep(0.5)
    yield type("Demo", (), {"url": f"http://127.0.0.1:{port}/", "data": data, "log": log})
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def client(demo):
    return Client(demo.url, verbose=False)


def turn(client, text="", audio=None, image=None, user="u", session="s", **options):
    """One turn through the page's own `respond` handler, as the page would send it."""
    result = client.predict(text, audio, image, history=[], ids_value={"user_id": user, "session_id": session},
                            api_name="/respond", **{"speak_aloud": False, **options})
    from app import TURN_OUTPUT_NAMES

    named = dict(zip(TURN_OUTPUT_NAMES, result, strict=True))
    return {**named, "words": named["text"]}


def said_text(message: dict) -> str:
    content = message["content"]
    return content if isinstance(content, str) else " ".join(part.get("text", "") for part in content)


def stored(demo, user: str, session: str):
    from memory import MemoryStore

    with MemoryStore(f"sqlite:///{demo.data / 'empathica.db'}") as store:
        return store.history(user, session)


def test_a_text_turn_streams_a_reply_and_fills_the_panel(demo, client):
    shown = turn(client, "I failed my exam and I feel awful", user="text-user")
    user_line, reply = shown["chat"]
    assert said_text(user_line) == "I failed my exam and I feel awful" and said_text(reply).strip()
    assert shown["words"]["label"] == "sadness" and shown["fused"]["label"] == "sadness"
    assert shown["speech"]["label"] == shown["face"]["label"] == "not present"
    assert any(t["class_or_confidence"] == "cause" for t in shown["cause"])
    assert "answers with" in shown["response"] and "You: sadness" in shown["feeling"]
    assert shown["plot"]["type"] == "matplotlib" and shown["voice"] is None  # not spoken when turned off
    (saved,) = stored(demo, "text-user", "s")
    assert saved.reply_text == said_text(reply) and saved.user_text == "I failed my exam and I feel awful"


def test_a_recorded_audio_file_is_heard_and_answered_aloud(demo, client, tmp_path):
    from speech import Synthesizer

    recording = tmp_path / "said.wav"
    Synthesizer.load().synthesize(SAID, "sadness").save(recording)
    shown = turn(client, audio=handle_file(str(recording)), user="voice-user", speak_aloud=True)
    user_line, reply = shown["chat"]
    assert said_text(user_line).startswith("🎤") and "job" in said_text(user_line)
    assert shown["speech"]["label"] in ("neutral", "joy", "sadness", "anger", "fear", "disgust", "surprise")
    assert shown["words"]["label"] == "sadness"
    import soundfile as sf

    samples, rate = sf.read(shown["voice"])
    assert len(samples) / rate > 0.5  # the reply, spoken


def test_the_persona_sliders_set_the_response_intensity_of_a_turn(demo, client):
    from agent.persona import CALMEST, LIVELIEST, PRESETS

    def answered(preset: str, session: str) -> str:
        traits = PRESETS[preset].big5.model_dump()
        shown = turn(client, "I got the scholarship I applied for!", user="slider-user", session=session,
                     style=PRESETS[preset].voice_style, **traits)
        return shown["response"]

    calm, lively = answered(CALMEST, "calm"), answered(LIVELIEST, "lively")
    assert "answers with joy" in calm and "answers with joy" in lively
    intensity = [float(text.split("intensity ")[1].split(")")[0]) for text in (calm, lively)]
    assert intensity[1] > intensity[0] + 0.1, (calm, lively)


def test_an_uploaded_photo_gives_a_face_reading(demo, client):
    from skimage import data as photos
    from PIL import Image

    path = demo.data / "astronaut.png"
    Image.fromarray(photos.astronaut()).save(path)
    shown = turn(client, "I am so happy to see you", image=handle_file(str(path)), user="face-user")
    assert shown["face"]["label"] == "joy" and shown["words"]["label"] == "joy"
    assert "face: joy" in shown["feeling"] and "agree" in shown["feeling"]


@pytest.mark.parametrize("text", ["", "   ", "x" * 2001])
def test_an_empty_or_over_long_turn_is_refused_and_nothing_is_stored(demo, client, text):
    shown = turn(client, text, user="odd-user")
    assert shown["chat"] == [] and stored(demo, "odd-user", "s") == []  # (the page shows why in a toast)


def test_an_over_long_recording_is_refused(demo, client, tmp_path):
    import numpy as np
    import soundfile as sf

    sf.write(tmp_path / "long.wav", np.zeros(16000 * 125, dtype=np.float32), 16000)  # limit: 120 s
    shown = turn(client, audio=handle_file(str(tmp_path / "long.wav")), user="long-user")
    assert shown["chat"] == [] and stored(demo, "long-user", "s") == []


def test_browsers_are_kept_apart_and_forget_me_deletes_only_mine(demo, client):
    turn(client, "My sister is visiting tomorrow", user="alice", session="a1")
    turn(client, "My cat ran away", user="bob", session="b1")
    assert [t.user_text for t in stored(demo, "alice", "a1")] == ["My sister is visiting tomorrow"]
    assert [t.user_text for t in stored(demo, "bob", "b1")] == ["My cat ran away"]
    client.predict({"user_id": "alice", "session_id": "a1"}, api_name="/forget")
    assert stored(demo, "alice", "a1") == [] and len(stored(demo, "bob", "b1")) == 1


def test_the_page_answers_while_the_models_load(tmp_path):
    """Before the agent is ready, a turn gets a clear message instead of hanging or failing."""
    import app

    release = threading.Event()

    def slow_load(step):
        step("loading the language model")
        release.wait(60)
        raise RuntimeError("this test never finishes loading")

    loader = app.AgentLoader(slow_load)
    page = app.build_demo(loader).queue()
    page.launch(server_port=free_port(), prevent_thread_lock=True, quiet=True)
    try:
        with pytest.raises(Exception, match="Loading the models \\(loading the language model"):
            Client(page.local_url, verbose=False).predict("hello", None, None, history=[],
                                                          ids_value={"user_id": "u", "session_id": "s"},
                                                          api_name="/respond")
    finally:
        release.set()
        page.close()


CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
needs_chromium = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()) and not os.environ.get("CI"),
    reason="needs Debian's chromium and chromium-driver (.ci/run installs them; in CI it must run)")


def chromium(*flags: str):
    """Headless Debian chromium under Selenium (no network, no downloaded driver)."""
    pytest.importorskip("selenium")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-dev-shm-usage", "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--window-size=1400,1300", *flags):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)


def click_button(wait, container: str, label: str) -> None:
    """Click the button labelled `label` inside `container` once it is there (the page re-renders)."""
    from selenium.webdriver.common.by import By

    def click(browser) -> bool:
        buttons = [b for b in browser.find_elements(By.CSS_SELECTOR, f"{container} button") if b.text == label]
        if buttons:
            buttons[0].click()
        return bool(buttons)

    wait.until(click)


def turn_done(browser) -> bool:
    from selenium.webdriver.common.by import By

    busy = "//*[contains(@class, 'generating')][not(ancestor-or-self::*[@id='listen' or @id='webcam'])]"
    return (len(browser.find_elements(By.CSS_SELECTOR, "#chat .message-row")) >= 2
            and not browser.find_elements(By.XPATH, busy))  # the turn's outputs are no longer being written


def crisis_lines_shown(browser) -> bool:
    from selenium.webdriver.common.by import By

    return any(e.is_displayed() for e in browser.find_elements(By.ID, "crisis-lines"))


@needs_chromium
def test_typing_in_the_page_shows_the_reply_and_the_panel_and_survives_a_refresh(demo):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    browser = chromium("--deny-permission-prompts")  # a visitor who says no to the microphone
    wait = WebDriverWait(browser, 120, ignored_exceptions=(StaleElementReferenceException,))

    def toasts(b) -> str:
        return " ".join(t.text for t in b.find_elements(By.CSS_SELECTOR, "[data-testid='toast-body']"))

    try:
        browser.get(demo.url)
        wait.until(lambda b: "Ready" in b.find_element(By.ID, "status").text)
        browser.find_element(By.ID, "send").click()  # nothing typed
        wait.until(lambda b: "the message is empty" in toasts(b))
        click_button(wait, "#listen", "Record")
        wait.until(lambda b: "Could not start recording from the microphone" in toasts(b))
        box = browser.find_element(By.CSS_SELECTOR, "#message textarea")
        box.send_keys("I finally got the job I wanted!")
        box.send_keys(Keys.ENTER)
        wait.until(lambda b: "You:" in b.find_element(By.ID, "feeling").text)
        wait.until(lambda b: "answers with" in b.find_element(By.ID, "response").text)
        wait.until(turn_done)
        time.sleep(1)
        ARTEFACTS.mkdir(exist_ok=True)
        browser.save_screenshot(str(ARTEFACTS / "demo-page.png"))
        assert "I finally got the job I wanted!" in browser.find_element(By.ID, "chat").text
        assert "joy" in browser.find_element(By.ID, "bars-text").text

        browser.refresh()  # the browser keeps its ids: the conversation comes back from memory
        wait.until(lambda b: "I finally got the job I wanted!" in b.find_element(By.ID, "chat").text)
        wait.until(lambda b: "answers with" in b.find_element(By.ID, "response").text)
        assert not crisis_lines_shown(browser)

        for said in ("I took all my sleeping pills an hour ago", "idk"):  # a crisis, then a careful turn
            box = browser.find_element(By.CSS_SELECTOR, "#message textarea")
            box.send_keys(said)
            box.send_keys(Keys.ENTER)
            wait.until(lambda b: said in b.find_element(By.ID, "chat").text)
            wait.until(turn_done)
            wait.until(crisis_lines_shown)
            assert "988" in browser.find_element(By.ID, "crisis-lines").text
        browser.refresh()  # still careful when the page comes back
        wait.until(lambda b: "idk" in b.find_element(By.ID, "chat").text)
        wait.until(crisis_lines_shown)
    finally:
        browser.quit()


@needs_chromium
def test_hands_free_speech_and_the_webcam_in_the_page(demo, tmp_path):
    """Chromium's fake devices play a recording into the microphone and show a face to the webcam:
    the turn is sent when the speaker pauses, and the panel shows the voice and the face."""
    import cv2
    import numpy as np
    import soundfile as sf
    from selenium.webdriver.common.by import By
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait
    from skimage import data as photos

    from speech import Synthesizer

    spoken = Synthesizer.load().synthesize(SAID, "sadness")
    silence = np.zeros(spoken.sample_rate, dtype=np.float32)  # chromium loops the file: one turn per 20 s
    sf.write(tmp_path / "said.wav", np.concatenate([silence, spoken.samples, *[silence] * 15]),
             spoken.sample_rate, subtype="PCM_16")
    frame = np.full((480, 640, 3), 90, np.uint8)
    frame[:, 80:560] = cv2.resize(photos.astronaut(), (480, 480))
    with open(tmp_path / "face.y4m", "wb") as video:  # a still video of a smiling face
        video.write(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n")
        for _ in range(3):
            video.write(b"FRAME\n" + cv2.cvtColor(frame, cv2.COLOR_RGB2YUV_I420).tobytes())

    browser = chromium("--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                       f"--use-file-for-fake-audio-capture={tmp_path / 'said.wav'}",
                       f"--use-file-for-fake-video-capture={tmp_path / 'face.y4m'}")
    wait = WebDriverWait(browser, 120, ignored_exceptions=(StaleElementReferenceException,))
    try:
        browser.get(demo.url)
        wait.until(lambda b: "Ready" in b.find_element(By.ID, "status").text)
        browser.find_element(By.ID, "webcam").click()
        click_button(wait, "#webcam", "Record")
        time.sleep(2)  # a few frames reach the server
        click_button(wait, "#listen", "Record")
        wait.until(lambda b: "job" in b.find_element(By.ID, "chat").text)
        click_button(wait, "#listen", "Stop")
        wait.until(turn_done)
        feeling = browser.find_element(By.ID, "feeling").text
        assert "voice:" in feeling and "face: joy" in feeling and "words: sadness" in feeling
        assert "⚠" in feeling  # a smiling face with sad words: the panel says they disagree
    finally:
        browser.quit()


def test_the_page_honours_gradios_server_variables(monkeypatch):
    import typer

    import app

    page = typer.Typer(add_completion=False)
    page.command()(app.main)
    command = typer.main.get_command(page)
    assert command.make_context("app", []).params["host"] == "127.0.0.1"
    monkeypatch.setenv("GRADIO_SERVER_NAME", "0.0.0.0")
    monkeypatch.setenv("GRADIO_SERVER_PORT", "7861")
    params = command.make_context("app", []).params
    assert (params["host"], params["port"]) == ("0.0.0.0", 7861)
    assert command.make_context("app", ["--port", "9000"]).params["port"] == 9000  # a flag wins
