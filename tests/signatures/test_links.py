from django.urls import reverse


def test_open_campaign_is_reachable_from_home_and_reading_page(client, campaign, manifesto):
    sign_url = reverse("signatures:sign", kwargs={"slug": manifesto.slug})
    assert sign_url in client.get(reverse("manifesto:home")).content.decode()
    assert sign_url in client.get(manifesto.get_absolute_url()).content.decode()


def test_drafting_text_offers_no_signing_link(client, manifesto):
    sign_url = reverse("signatures:sign", kwargs={"slug": manifesto.slug})
    assert sign_url not in client.get(manifesto.get_absolute_url()).content.decode()


def test_organiser_sees_the_campaign_dashboard_link(client, organiser, manifesto):
    client.force_login(organiser)
    page = client.get(manifesto.get_absolute_url()).content.decode()
    assert reverse("signatures:dashboard", kwargs={"slug": manifesto.slug}) in page
