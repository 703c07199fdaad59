from django.urls import path

from deliberation.publishing import embed, views

app_name = "publishing"

urlpatterns = [
    path("manifeste/<slug:slug>/texte.pdf", views.text_pdf, name="text_pdf"),
    path("manifeste/<slug:slug>/texte.md", views.text_markdown, name="text_md"),
    path("manifeste/<slug:slug>/texte.html", views.text_html, name="text_html"),
    path("manifeste/<slug:slug>/texte.odt", views.text_odt, name="text_odt"),
    path("manifeste/<slug:slug>/versions/<int:number>/texte.pdf", views.text_pdf, name="version_pdf"),
    path("manifeste/<slug:slug>/versions/<int:number>/texte.md", views.text_markdown, name="version_md"),
    path("manifeste/<slug:slug>/versions/<int:number>/texte.html", views.text_html, name="version_html"),
    path("manifeste/<slug:slug>/versions/<int:number>/texte.odt", views.text_odt, name="version_odt"),
    path("manifeste/<slug:slug>/amendements.csv", views.amendments_csv, name="amendments_csv"),
    path("manifeste/<slug:slug>/positions.csv", views.positions_csv, name="positions_csv"),
    path("signer/<slug:slug>/signataires.csv", views.signatories_csv, name="signatories_csv"),
    path("signer/<slug:slug>/signataires.pdf", views.signatories_pdf, name="signatories_pdf"),
    # For partner sites: the counter to frame, the badge (deliberation/publishing/embed.py).
    path("signer/<slug:slug>/integrer/", embed.counter_page, name="embed_counter"),
    path("signer/<slug:slug>/badge.svg", embed.badge, name="badge"),
    path("manifeste/<slug:slug>/contributions.csv", views.contributions_csv, name="contributions_csv"),
    path("manifeste/<slug:slug>/chiffres/", views.figures, name="figures"),
    path("agoras/<slug:slug>/liasse.pdf", views.booklet_pdf, name="booklet_pdf"),
    path("agoras/<slug:slug>/bilan.pdf", views.report_pdf, name="report_pdf"),
    path("vote/<slug:slug>/<int:pk>/resultats.pdf", views.vote_results_pdf, name="vote_results_pdf"),
]
