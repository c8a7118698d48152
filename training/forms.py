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
