# The 错题本 is read from the memory cards now (0007 moved every entry into its card).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0007_mistake_entries_into_cards")]

    operations = [migrations.DeleteModel(name="MistakeEntry")]
