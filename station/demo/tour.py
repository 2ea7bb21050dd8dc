"""The scripted tour of ``station demo --screenshots DIR``: what a clerk would do, step by step.

Drives the real widgets through ``station.ui``'s public pages (this module imports no Qt
itself): the work-order QR fills the form (``FormPanel.fill_from_qr``, what a scan does), the
consent box is ticked, the camera's auto-capture takes the photo from the sample clip, the
submit button is clicked. Each step waits, with a deadline, for its expected state as the GUI
shows it (the progress card's device rows, the board's feed), checks it against the core, and
saves ``NN-step.png``. The tour fails at the first step that does not reach its state.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from station.demo.scenario import (
    FAIL_ONCE_DEVICE,
    NOT_EFFECTIVE_DEVICE,
    PEOPLE,
    SILENT_ONCE_DEVICE,
    DemoPerson,
)

log = logging.getLogger(__name__)
STEP_TIMEOUT_S = 30.0


class TourFailed(Exception):
    """A step did not reach its expected state in time; the message names the step."""


@dataclass
class Tour:
    gui: Any  # station.ui.app.GuiApp, started
    folder: Path | None
    steps: list[tuple[str, bool, float]] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    frames: int = 0

    # helpers ---------------------------------------------------------------------------------
    async def until(
        self, what: str, check: Callable[[], bool], timeout: float = STEP_TIMEOUT_S
    ) -> None:
        # Awaiting lets the qasync loop run Qt's events; calling processEvents() from inside this
        # task would start other tasks while it runs (RuntimeError: Cannot enter into task).
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():
                return
            await asyncio.sleep(0.1)
        raise TourFailed(f"{what}: not reached within {timeout:.0f} s")

    async def shot(self, name: str) -> None:
        for _ in range(3):  # layouts and paints of what the last step changed
            await asyncio.sleep(0.05)
        at = time.monotonic() - self.started
        self.steps.append((name, True, at))
        if self.folder is not None:
            number = len(self.steps)
            path = self.folder / f"{number:02d}-{name}.png"
            if not self.gui.window.grab().save(str(path)):
                raise OSError(f"could not write screenshot {path}")
        log.info("tour step %s reached at %.1f s", name, at)

    def states(self, registration_id: int) -> dict[str, str]:
        """Device states as the progress page shows them."""
        card = self.gui.progress_page.card(registration_id)
        return {d.device_id: d.state for d in card.view.devices} if card is not None else {}

    def core_states(self, registration_id: int) -> dict[str, tuple[str, int]]:
        view = self.gui.core.station.registration(registration_id)
        return {d.device_id: (d.state.value, d.pushes) for d in view.devices} if view else {}

    # steps ---------------------------------------------------------------------------------
    async def run(self) -> None:
        gui = self.gui
        window = gui.window
        if gui.camera is not None:
            gui.camera.worker.frameReady.connect(self._count_frame)
        window.show_page("register")
        await self.until("camera preview", lambda: self.frames > 0)
        await self.shot("register-camera")
        ids: list[int] = []
        for number, person in enumerate(PEOPLE, start=1):
            ids.append(await self.register(number, person))
        for device in (FAIL_ONCE_DEVICE, SILENT_ONCE_DEVICE, NOT_EFFECTIVE_DEVICE):
            pushes = {dev: n for i in ids for dev, (_s, n) in self.core_states(i).items()}
            if pushes.get(device, 0) < 2:
                raise TourFailed(f"device {device}: written without a re-push ({pushes})")
        window.show_page("board")
        await self.until(
            "door board: a registered person's door", lambda: self.door_flags(matched=True)
        )
        await self.until(
            "door board: a door opened without a work order", lambda: self.door_flags(matched=False)
        )
        every = {d for p in PEOPLE for d in p.devices}
        await self.until(
            "door board: every written door opened", lambda: every <= self.opened_devices()
        )
        await self.shot("board-doors")
        window.show_page("history")
        await gui.history_page.reload()
        await self.until(
            "history lists both", lambda: gui.history_page.model.rowCount() >= len(PEOPLE)
        )
        await self.shot("history")
        window.show_page("settings")
        await self.shot("settings")
        from station.ui.i18n import translator

        translator.set_language("en")
        window.show_page("board")
        await self.shot("board-english")
        translator.set_language("zh_CN")

    async def register(self, number: int, person: DemoPerson) -> int:
        """One person: fill, photo, submit, then follow the progress card until all written."""
        window, page = self.gui.window, self.gui.register_page
        window.show_page("register")
        await self.fill(person)
        await self.photo_of(person, number)
        await self.until(f"person {number}: form complete", page.submit.isEnabled)
        await self.shot(f"person{number}-form")
        before = set(self.registration_ids())
        page.submit.click()
        await self.until(
            f"person {number}: stored", lambda: bool(set(self.registration_ids()) - before)
        )
        new_id = max(set(self.registration_ids()) - before)

        def state(device: str) -> str | None:
            return self.states(new_id).get(device)

        await self.until(
            f"person {number}: progress page",
            lambda: window.current_key() == "progress" and bool(self.states(new_id)),
        )
        if FAIL_ONCE_DEVICE in person.devices:
            await self.until(
                f"person {number}: failure shown", lambda: state(FAIL_ONCE_DEVICE) == "failed"
            )
            await self.shot(f"person{number}-failed-waiting-repush")
        if SILENT_ONCE_DEVICE in person.devices:
            await self.until(
                f"person {number}: waiting for the result",
                lambda: state(SILENT_ONCE_DEVICE) == "accepted",
            )
            await self.shot(f"person{number}-accepted-waiting-result")
        await self.until(
            f"person {number}: every device written", lambda: self.all_written(new_id, person)
        )
        await self.shot(f"person{number}-written")
        if NOT_EFFECTIVE_DEVICE in person.devices:
            await self.not_effective(number, new_id, person)
        return new_id

    async def not_effective(self, number: int, registration_id: int, person: DemoPerson) -> None:
        """The clerk presses 成功但未生效 on a written door; it is re-pushed and written (D14)."""
        card = self.gui.progress_page.card(registration_id)
        button = card.button_for(NOT_EFFECTIVE_DEVICE) if card is not None else None
        if button is None:
            raise TourFailed(f"person {number}: no 成功但未生效 button for {NOT_EFFECTIVE_DEVICE}")
        button.click()
        await self.until(
            f"person {number}: marked not effective",
            lambda: self.states(registration_id).get(NOT_EFFECTIVE_DEVICE) == "not_effective",
        )
        await self.shot(f"person{number}-not-effective")
        await self.until(
            f"person {number}: written again after the re-push",
            lambda: (
                self.all_written(registration_id, person)
                and self.core_states(registration_id)[NOT_EFFECTIVE_DEVICE][1] >= 2
            ),
        )

    async def photo_of(self, person: DemoPerson, number: int) -> None:
        """Wait for the auto-capture to take this person's face from the clip (it shows both
        faces in turn); a photo of the other face is retaken, as a clerk would."""
        from station.demo.media import which_face

        page = self.gui.register_page
        deadline = time.monotonic() + STEP_TIMEOUT_S
        while True:
            left = deadline - time.monotonic()
            await self.until(
                f"person {number}: photo captured",
                lambda: page.photo.jpeg is not None,
                max(left, 0.1),
            )
            if which_face(page.photo.jpeg) == person.face:
                return
            if time.monotonic() > deadline:
                raise TourFailed(
                    f"person {number}: no photo of {person.face} within {STEP_TIMEOUT_S:.0f} s"
                )
            page.photo.retake.click()

    def log_state(self) -> None:
        """After a failure: what the core and the board hold, for the log (no names, no phones)."""
        try:
            status = self.gui.core.station.status().to_json()
        except Exception:
            log.exception("could not read the status after the failure")
            return
        for reg in status["registrations"]:
            states = {d["device_id"]: (d["state"], d["pushes"]) for d in reg["devices"]}
            log.error("registration %s %s: %s", reg["id"], reg["work_order"], states)
        for event in status["door_events"]:
            log.error(
                "door event %s work order %s flags %s",
                event["device_id"],
                event["work_order"],
                event["flags"],
            )
        log.error("board feed holds %d entries", self.gui.board_page.feed.count())

    def _count_frame(self, *_args: object) -> None:
        self.frames += 1

    async def fill(self, person: DemoPerson) -> None:
        """What scanning the work order's QR code does, then the consent tick."""
        form = self.gui.register_page.form
        qr = {
            "workOrdNum": person.work_order,
            "name": person.name,
            "account": person.account,
            "phone": person.phone,
            "city": person.city,
            "site": [person.site],
            "room": list(person.rooms),
            "deviceId": list(person.devices),
        }
        form.fill_from_qr(json.dumps(qr, ensure_ascii=False))
        form.consent.setChecked(True)

    def registration_ids(self) -> list[int]:
        return [v.id for v in self.gui.core.station.registrations(50)]

    def all_written(self, registration_id: int, person: DemoPerson) -> bool:
        shown = self.states(registration_id)
        core = self.core_states(registration_id)
        return all(
            shown.get(d) == "written" and core.get(d, ("", 0))[0] == "written"
            for d in person.devices
        )

    def opened_devices(self) -> set[str]:
        feed = self.gui.board_page.feed
        events = [feed.item(row).data(256) for row in range(feed.count())]
        return {e.device_id for e in events if e.work_order and not e.flags}

    def door_flags(self, matched: bool) -> bool:
        """The board's feed shows a door event of this kind (matched, or with no work order)."""
        feed = self.gui.board_page.feed
        for row in range(feed.count()):
            event = feed.item(row).data(256)  # Qt.ItemDataRole.UserRole
            if matched and event.work_order and not event.flags:
                return True
            if not matched and "no_work_order" in event.flags:
                return True
        return False
