"""Reads of the adoption vote: its questions, the turnout, and the tally made at close."""

from dataclasses import asdict, dataclass

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from deliberation.adoption.models import AdoptionVote, Ballot, BallotChoice, Majority, Turnout, Voter, VoteState

WHOLE_TEXT = "texte"


@dataclass(frozen=True)
class Question:
    key: str  # "texte" or "article-12"
    label: str
    clause_number: int | None = None


def article_key(number: int) -> str:
    return f"article-{number}"


def question_label(key: str) -> str:
    """The question's name in the reader's language (results store the key with a French label)."""
    if key == WHOLE_TEXT:
        return _("L'ensemble du texte")
    return _("Article %(number)d") % {"number": int(key.removeprefix("article-"))}


def published_results(vote: AdoptionVote) -> dict | None:
    """The results stored at close, with each question named in the reader's language."""
    if vote.results is None:
        return None
    return {**vote.results, "questions": [{**q, "label": question_label(q["key"])} for q in vote.results["questions"]]}


def version_clause_numbers(version) -> list[int]:
    return [clause["number"] for section in version.content["sections"] for clause in section["clauses"]]


def questions(vote: AdoptionVote) -> list[Question]:
    """What each ballot answers: the whole text, then (if chosen) each article of the version."""
    asked = [Question(WHOLE_TEXT, question_label(WHOLE_TEXT))]
    if vote.per_article:
        for number in version_clause_numbers(vote.version):
            asked.append(Question(article_key(number), question_label(article_key(number)), number))
    return asked


def group_name(vote_id: int) -> str:
    """The channel-layer group of a vote's live turnout; built from an integer id only."""
    return f"adoption-turnout-{int(vote_id)}"


def turnout(vote: AdoptionVote) -> dict:
    """Who took part, counted, never named: voters and voices on the roll and among those who voted."""
    roll = Voter.objects.filter(vote=vote).aggregate(count=Count("pk"), weight=Sum("weight"))
    voted = Turnout.objects.filter(voter__vote=vote).aggregate(count=Count("pk"), weight=Sum("voter__weight"))
    return {
        "voted": voted["count"] or 0,
        "roll": roll["count"] or 0,
        "weight_voted": voted["weight"] or 0,
        "weight_total": roll["weight"] or 0,
    }


def turnout_percent(figures: dict) -> int:
    if not figures["weight_total"]:
        return 0
    return round(100 * figures["weight_voted"] / figures["weight_total"])


def quorum_reached(vote: AdoptionVote, figures: dict) -> bool:
    return figures["weight_total"] > 0 and figures["weight_voted"] * 100 >= vote.quorum_percent * figures["weight_total"]


def passes(majority: str, *, pour: int, contre: int, abstention: int) -> bool:
    if majority == Majority.ABSOLUTE:
        return pour * 2 > pour + contre + abstention
    if majority == Majority.TWO_THIRDS:
        return pour > 0 and pour * 3 >= (pour + contre) * 2
    return pour > contre


@dataclass
class QuestionResult:
    key: str
    label: str
    pour: int
    contre: int
    abstention: int
    ballots: int
    adopted: bool


def tally(vote: AdoptionVote) -> dict:
    """Count the weighted voices per question. Called at close only; the result is stored and published."""
    asked = questions(vote)
    sums = {q.key: {BallotChoice.POUR: 0, BallotChoice.CONTRE: 0, BallotChoice.ABSTENTION: 0, "ballots": 0} for q in asked}
    for weight, choices in Ballot.objects.filter(vote=vote).values_list("weight", "choices").iterator():
        answers = {WHOLE_TEXT: choices.get(WHOLE_TEXT)}
        answers.update({article_key(int(number)): value for number, value in (choices.get("articles") or {}).items()})
        for key, value in answers.items():
            if key in sums and value in BallotChoice.values:
                sums[key][value] += weight
                sums[key]["ballots"] += 1
    figures = turnout(vote)
    reached = quorum_reached(vote, figures)
    results = []
    for question in asked:
        counted = sums[question.key]
        pour, contre, abstention = counted[BallotChoice.POUR], counted[BallotChoice.CONTRE], counted[BallotChoice.ABSTENTION]
        results.append(
            asdict(
                QuestionResult(
                    key=question.key,
                    label=question.label,
                    pour=pour,
                    contre=contre,
                    abstention=abstention,
                    ballots=counted["ballots"],
                    adopted=reached and passes(vote.majority, pour=pour, contre=contre, abstention=abstention),
                )
            )
        )
    return {"turnout": figures, "quorum_reached": reached, "adopted": results[0]["adopted"], "questions": results}


def votes_of(manifesto) -> list[AdoptionVote]:
    return list(AdoptionVote.objects.filter(manifesto=manifesto).select_related("version").order_by("-created_at"))


def proclaimed_vote(manifesto) -> AdoptionVote | None:
    return (
        AdoptionVote.objects.filter(manifesto=manifesto, proclaimed_at__isnull=False)
        .select_related("version")
        .order_by("-proclaimed_at")
        .first()
    )


def due_votes(now) -> list[AdoptionVote]:
    return list(AdoptionVote.objects.filter(state=VoteState.OPEN, closes_at__lte=now).select_related("manifesto"))


def ballot_counted(vote: AdoptionVote, receipt_hash: str) -> bool:
    return Ballot.objects.filter(vote=vote, receipt_hash=receipt_hash).exists()
