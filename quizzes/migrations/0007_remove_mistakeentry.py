# The 错题本 is read from the memory cards now (0006 moved every entry into its card).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0006_mistake_entries_into_cards")]

    operations = [migrations.DeleteModel(name="MistakeEntry")]
