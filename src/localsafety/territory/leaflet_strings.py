"""The words Leaflet and Leaflet.draw show (buttons, tooltips, hints), in the page's language.

Both libraries carry English strings of their own. The page hands these translated values to
``territory/js/leaflet_strings.js`` in a JSON script element (no inline script: the CSP forbids
it), which sets Leaflet's control titles and ``L.drawLocal`` before any map is made.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


def leaflet_strings() -> dict[str, Any]:
    return {
        "zoomIn": _("Zoom in"),
        "zoomOut": _("Zoom out"),
        "closePopup": _("Close popup"),
        "libraryTitle": _("A JavaScript library for interactive maps"),
        "drawLocal": {
            "draw": {
                "toolbar": {
                    "actions": {"title": _("Cancel drawing"), "text": _("Cancel")},
                    "finish": {"title": _("Finish drawing"), "text": _("Finish")},
                    "undo": {"title": _("Delete last point drawn"), "text": _("Delete last point")},
                    "buttons": {
                        "polyline": _("Draw a line"),
                        "polygon": _("Draw a polygon"),
                        "rectangle": _("Draw a rectangle"),
                        "circle": _("Draw a circle"),
                        "marker": _("Draw a marker"),
                        "circlemarker": _("Draw a circle marker"),
                    },
                },
                "handlers": {
                    "circle": {
                        "tooltip": {"start": _("Click and drag to draw a circle.")},
                        "radius": _("Radius"),
                    },
                    "circlemarker": {"tooltip": {"start": _("Click the map to place a marker.")}},
                    "marker": {"tooltip": {"start": _("Click the map to place a marker.")}},
                    "polygon": {
                        "tooltip": {
                            "start": _("Click to start drawing the shape."),
                            "cont": _("Click to continue drawing the shape."),
                            "end": _("Click the first point to close the shape."),
                        }
                    },
                    "polyline": {
                        "error": _("Error: the shape's edges cannot cross."),
                        "tooltip": {
                            "start": _("Click to start drawing the line."),
                            "cont": _("Click to continue drawing the line."),
                            "end": _("Click the last point to finish the line."),
                        },
                    },
                    "rectangle": {"tooltip": {"start": _("Click and drag to draw a rectangle.")}},
                    "simpleshape": {"tooltip": {"end": _("Release the mouse to finish drawing.")}},
                },
            },
            "edit": {
                "toolbar": {
                    "actions": {
                        "save": {"title": _("Save the changes"), "text": _("Save")},
                        "cancel": {
                            "title": _("Cancel editing, discarding every change"),
                            "text": _("Cancel"),
                        },
                        "clearAll": {"title": _("Delete every shape"), "text": _("Delete all")},
                    },
                    "buttons": {
                        "edit": _("Edit the shapes"),
                        "editDisabled": _("No shapes to edit"),
                        "remove": _("Delete shapes"),
                        "removeDisabled": _("No shapes to delete"),
                    },
                },
                "handlers": {
                    "edit": {
                        "tooltip": {
                            "text": _("Drag the handles to change the shape."),
                            "subtext": _("Click cancel to undo the changes."),
                        }
                    },
                    "remove": {"tooltip": {"text": _("Click a shape to delete it.")}},
                },
            },
        },
    }
