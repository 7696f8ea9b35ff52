"""Issue 14 (6): at 1366x768 the side docks are 300 px wide; the inspector and the storyboard
fit them without scrolling sideways (fields go under their labels, cards follow the width),
and at 1920 px the inspector keeps one line per field."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QFormLayout


def _settle(qtbot) -> None:
    for _ in range(5):
        QApplication.processEvents()
        qtbot.wait(10)


def test_inspector_fits_a_narrow_dock_and_stays_compact_in_a_wide_one(window, qtbot):
    from ui import theme

    theme.apply(QApplication.instance())  # measured as the app draws it (its style sheet)
    window.storyboard.select([window.doc.project.shots[0].id])
    inspector = window.inspector
    inspector.setParent(None)  # measured on its own, at the docks' widths
    qtbot.addWidget(inspector)
    inspector.show()
    for width, policy in ((300, "WrapLongRows"), (440, "DontWrapRows")):
        inspector.resize(width, 500)
        _settle(qtbot)
        for page in (inspector.shot, inspector.clip):
            assert page.form.rowWrapPolicy() == getattr(QFormLayout.RowWrapPolicy, policy)
        need = inspector.widget().minimumSizeHint().width()
        assert need <= inspector.viewport().width(), (width, need)
        assert inspector.horizontalScrollBar().maximum() == 0


def test_storyboard_cards_follow_the_dock_width(window, qtbot):
    panel = window.storyboard
    panel.setParent(None)
    qtbot.addWidget(panel)
    panel.show()
    delegate = panel.view.itemDelegate()
    for width in (300, 420):
        panel.resize(width, 600)
        _settle(qtbot)
        hint = delegate.sizeHint(None, panel.model.index(0))
        assert hint.width() <= panel.view.viewport().width()
        assert panel.view.visualRect(panel.model.index(0)).width() <= panel.view.viewport().width()
