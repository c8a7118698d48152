from django import forms
from django.utils.translation import gettext_lazy as _


class PositionForm(forms.Form):
    section = forms.RegexField(regex=r"^(sec-\d{1,3})?$", max_length=20, required=False)


class PreviewForm(forms.Form):
    body_markdown = forms.CharField(max_length=100_000, required=False, strip=False)


class ImportZipForm(forms.Form):
    pack = forms.FileField(
        label=_("课时包（.zip）"),
        help_text=_("一个 .zip，里面是带 front matter 的 Markdown 课时文件，格式同 import_lessons。"),
    )
    dry_run = forms.BooleanField(label=_("只检查，不写入"), required=False)


class LinesField(forms.CharField):
    """A list of short texts edited as one per line (要点, 参考答案), stored as a JSON list."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4, "class": "vLargeTextField"}))
        kwargs.setdefault("help_text", _("每行一条。"))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list | tuple) else value

    def to_python(self, value) -> list[str]:
        if isinstance(value, list | tuple):
            return [str(item).strip() for item in value if str(item).strip()]
        text = super().to_python(value)
        return [line.strip() for line in text.splitlines() if line.strip()]


def lines_formfield(db_field, names: set[str], **kwargs):
    """For ModelAdmin.formfield_for_dbfield: a LinesField for the named JSON list fields."""
    if db_field.name in names:
        return LinesField(label=db_field.verbose_name)
    return None
