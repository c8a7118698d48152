"""Each player's number in its drill (0, 1, 2 … in order of joining): the index of their row in the
reveal's shared table of results. Existing players are numbered by their id."""

from django.db import migrations, models


def number_players(apps, schema_editor):
    Player = apps.get_model("competitions", "Player")
    counters: dict[int, int] = {}
    for player in Player.objects.order_by("competition_id", "pk").only("pk", "competition_id"):
        player.number = counters.get(player.competition_id, 0)
        counters[player.competition_id] = player.number + 1
        player.save(update_fields=["number"])


class Migration(migrations.Migration):
    dependencies = [("competitions", "0002_host_presence_versions_center_scope")]

    operations = [
        migrations.AddField(model_name="player", name="number", field=models.PositiveIntegerField(null=True)),
        migrations.RunPython(number_players, migrations.RunPython.noop),
        migrations.AlterField(model_name="player", name="number", field=models.PositiveIntegerField()),
        migrations.AddConstraint(
            model_name="player",
            constraint=models.UniqueConstraint(fields=("competition", "number"), name="player_unique_number"),
        ),
    ]
