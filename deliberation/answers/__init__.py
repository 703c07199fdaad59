"""Public answers across agoras: each agora's report (bilan), the collective's progress on the
manifesto page, and the organiser's page for the editorial collective and the decision mode.
The editorial desk itself lives in deliberation/editorial/."""
