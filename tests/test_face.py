"""Face emotion on real photos (scikit-image's bundled astronaut portrait, public domain, NASA): face
detection, the user is the largest face, tiny or absent faces give nothing, frames are smoothed,
and a turn through the SDK and the CLI shows every modality it received."""

from __future__ import annotations

import os
import subprocess
import sys

import cv2
import numpy as np
import pytest
from skimage import data as photos

from agent import EmpatheticAgent, InputError, Settings
from perception import EMOTIONS
from perception.face import FaceEmotionRecognizer, detect_faces


@pytest.fixture(scope="module")
def recognizer() -> FaceEmotionRecognizer:
    return FaceEmotionRecognizer.load(device="cpu")


@pytest.fixture(scope="module")
def portrait() -> np.ndarray:
    return photos.astronaut()  # 512x512 RGB, one face


def test_a_portrait_gives_one_face_with_an_estimate(recognizer, portrait):
    faces = recognizer.predict(portrait)
    assert len(faces) == 1
    face = faces[0]
    assert 150 < face.box.x < 220 and 40 < face.box.y < 110 and face.box.width > 70
    assert face.estimate.modality == "face" and face.estimate.label in EMOTIONS
    assert abs(sum(face.estimate.scores.values()) - 1) < 1e-6
    # greyscale, RGBA and file paths of the same photo are read the same way
    grey = cv2.cvtColor(portrait, cv2.COLOR_RGB2GRAY)
    assert recognizer.predict(grey)[0].estimate.label == face.estimate.label
    assert len(recognizer.predict(np.dstack([portrait, np.full(portrait.shape[:2], 255, np.uint8)]))) == 1


def test_the_user_is_the_largest_face_and_tiny_faces_are_ignored(recognizer, portrait):
    small = cv2.resize(portrait, (256, 256))
    scene = np.zeros((512, 768, 3), dtype=np.uint8)
    scene[:, 256:] = portrait
    scene[128:384, :256] = small
    boxes = detect_faces(scene)
    assert len(boxes) == 2 and boxes[0].x > 256 and boxes[0].area > boxes[1].area
    assert len(recognizer.predict(scene)) == 2
    tiny = cv2.resize(portrait, (96, 96))  # the face is ~18 px: too small to read
    assert recognizer.predict(tiny) == []


def test_no_face_means_no_face_estimate(recognizer):
    landscape = photos.coffee()
    assert recognizer.predict(landscape) == []
    assert recognizer.predict_user([landscape, landscape]) is None


def test_frames_are_smoothed_and_frames_without_a_face_skipped(recognizer, portrait):
    single = recognizer.predict_user([portrait])
    mixed = recognizer.predict_user([photos.coffee(), portrait, portrait])
    assert mixed is not None and mixed.label == single.label
    flipped = recognizer.predict_user([portrait[:, ::-1].copy(), portrait])
    assert flipped is not None and abs(sum(flipped.scores.values()) - 1) < 1e-6


@pytest.fixture
def agent(tiny_llm, tmp_path):
    settings = Settings.load(llm={"model": str(tiny_llm["base"]), "max_new_tokens": 8, "retries": 4},
                             data_dir=str(tmp_path / "data"))
    a = EmpatheticAgent.from_settings(settings)
    yield a
    a.close()


def test_a_turn_with_a_photo_reads_the_face_and_keeps_it(agent, portrait, tmp_path):
    cv2.imwrite(str(tmp_path / "me.jpg"), cv2.cvtColor(portrait, cv2.COLOR_RGB2BGR))
    reply = agent.respond(text="I got the job!", image=[portrait, str(tmp_path / "me.jpg")], user_id="u", session_id="f")
    assert set(reply.perception.modalities) == {"text", "face"}
    stored = agent.history("u", "f")[0]
    assert set(stored.affect.modalities) == {"text", "face"}
    no_face = agent.respond(text="Hello there", image=photos.coffee(), user_id="u", session_id="f")
    assert set(no_face.perception.modalities) == {"text"}


def test_bad_images_are_refused_before_anything_is_saved(agent):
    for image, message in ((b"not an image", "cannot decode"), ([], "empty"),
                           ([np.zeros((8, 8), np.uint8)] * 17, "the limit is 16")):
        with pytest.raises(InputError, match=message):
            agent.respond(text="hi", image=image, user_id="u", session_id="bad")
    assert agent.history("u", "bad") == []


def test_chat_with_an_image_shows_every_modality(tiny_llm, portrait, tmp_path):
    cv2.imwrite(str(tmp_path / "me.png"), cv2.cvtColor(portrait, cv2.COLOR_RGB2BGR))
    env = {**os.environ, "EMPATHICA_LLM__MODEL": str(tiny_llm["base"]), "EMPATHICA_LLM__MAX_NEW_TOKENS": "8",
           "EMPATHICA_LLM__RETRIES": "5", "EMPATHICA_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200"}
    result = subprocess.run([sys.executable, "-m", "agent.cli", "chat", "--image", str(tmp_path / "me.png")],
                            input="I lost my job today\n", capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if "by modality:" in x)
    assert "text " in line and "face " in line and "feels" in result.stdout
