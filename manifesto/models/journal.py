from django.db import models


class Event(models.Model):
    """One entry of a manifesto's event journal: what every live client must see, in order.

    `seq` is strictly increasing per manifesto and handed out under a row lock on the
    manifesto, so events commit in `seq` order and a gap seen by a client is a real gap.
    """

    manifesto = models.ForeignKey("manifesto.Manifesto", on_delete=models.CASCADE, related_name="events")
    seq = models.BigIntegerField()
    type = models.CharField(max_length=64)
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["manifesto", "seq"]
        constraints = [models.UniqueConstraint(fields=["manifesto", "seq"], name="event_seq_unique")]

    def __str__(self) -> str:
        return f"{self.seq} {self.type}"

    def as_wire(self) -> dict:
        return {"type": self.type, "seq": self.seq, "data": self.data}
