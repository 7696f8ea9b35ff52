"""Where takes go on the timeline: one package for the frame count of a take (`frames`), the
storyboard's own layout and how storyboard edits reach a hand-edited timeline (`storyboard`),
and landing a finished take (`landing`). Pure model code, no Qt; every change is an `Edit`.

Import the submodules directly (this file imports nothing, so studio.model can use `frames`).
"""
