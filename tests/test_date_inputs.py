"""Every date and time input of the site is filled in the format browsers read: `<input
type="date">` takes 2027-03-01 and `type="datetime-local"` 2027-03-01T09:30, whatever the page's
language. A French date (01/03/2027) shows an empty field, so saving the form unchanged lost it."""

import datetime
import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.utils import translation

APPS = ("agora", "deliberation", "manifesto")


def _forms_modules():
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if info.name.rsplit(".", 1)[-1] == "forms":
                yield importlib.import_module(info.name)


def date_fields():
    found = []
    for module in _forms_modules():
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                for field_name, field in cls.base_fields.items():
                    if getattr(field.widget, "input_type", "") in ("date", "datetime-local", "time"):
                        found.append((f"{cls.__module__}.{cls.__name__}.{field_name}", field))
    return found


def test_the_site_has_date_inputs_to_check():
    names = [name for name, _field in date_fields()]
    assert any("StagePlanForm.opens_on" in name for name in names), names


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_date_and_time_input_is_filled_in_the_browsers_format(language):
    wrong = []
    with translation.override(language):
        for name, field in date_fields():
            kind = field.widget.input_type
            value = {"date": datetime.date(2027, 3, 1), "time": datetime.time(9, 30)}.get(kind, datetime.datetime(2027, 3, 1, 9, 30))
            expected = {"date": 'value="2027-03-01"', "time": 'value="09:30"', "datetime-local": 'value="2027-03-01T09:30"'}[kind]
            html = field.widget.render("x", value)
            if expected not in html:
                wrong.append((name, html))
    assert wrong == []


def test_a_datetime_input_reads_back_what_it_shows():
    from manifesto.forms import StagePlanForm

    form = StagePlanForm({"opens_on": "2027-03-01", "closes_on": "2027-03-31"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["opens_on"] == datetime.date(2027, 3, 1)
