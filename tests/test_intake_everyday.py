"""Everyday wording from users and ward notes: the word "continent", an age given with a pronoun, lay leg regions,
and an injury from lifting in a younger adult (a strain, not a fracture red flag)."""

from __future__ import annotations

from nerveroot.intake import parse_note
from nerveroot.knowledge.base import KnowledgeBase


def _groups(note: str, kb: KnowledgeBase) -> set[str]:
    return {u.group for u in parse_note(note, kb).to_confirm}


def test_continent_states_both_sphincters_work(kb: KnowledgeBase) -> None:
    for note in ("Obs stable. Continent.", "He remains fully continent.", "Bowels and bladder: continent"):
        intake = parse_note(note, kb)
        assert intake.status("bladder_dysfunction") == "absent", note
        assert intake.status("bowel_dysfunction") == "absent", note
        assert "cauda_equina" not in _groups(note, kb), note
    urine_only = parse_note("She is continent of urine.", kb)
    assert urine_only.status("bladder_dysfunction") == "absent"
    assert urine_only.status("bowel_dysfunction") == "unknown"


def test_incontinent_and_denied_continence_are_never_read_as_absent(kb: KnowledgeBase) -> None:
    assert parse_note("Now incontinent.", kb).status("bladder_dysfunction") == "present"
    both = parse_note("Found doubly incontinent on the ward.", kb)
    assert both.status("bladder_dysfunction") == "present"
    assert both.status("bowel_dysfunction") == "present"
    for note in ("He is not continent any more.", "No longer continent of urine.", "Only partially continent."):
        assert parse_note(note, kb).status("bladder_dysfunction") != "absent", note


def test_an_age_given_with_a_pronoun_is_read(kb: KnowledgeBase) -> None:
    for note, age in (("hes 58 and his back went", 58), ("She's 71, sciatica again", 71), ("he is 47 now", 47)):
        assert parse_note(note, kb).case.age == age, note
    assert parse_note("she's 65 kg", kb).case.age is None


def test_lay_leg_regions(kb: KnowledgeBase) -> None:
    thigh = parse_note("numb and tingly over the outer L thigh", kb)
    assert ("anterolateral_thigh", "left") in {(r.region, r.side) for r in thigh.case.sensory_regions}
    foot = parse_note("pain right down her right leg to her foot", kb)
    assert foot.status("radiating_leg_pain") == "present"
    assert foot.status("pain_below_knee") == "present"


def test_a_lifting_strain_is_no_fracture_flag_before_65(kb: KnowledgeBase) -> None:
    assert "fracture" not in _groups("38 year old man. A lifting injury at work a week ago.", kb)
    # from 65, with steroid use, or with the age unread the injury stays for a person to confirm
    assert "fracture" in _groups("78 year old woman. A lifting injury at work a week ago.", kb)
    assert "fracture" in _groups("38 year old man on oral steroids. A lifting injury at work a week ago.", kb)
    assert "fracture" in _groups("A lifting injury at work a week ago.", kb)


def test_a_recent_spinal_operation_raises_no_cauda_equina_mention(kb: KnowledgeBase) -> None:
    intake = parse_note("I'm 59 and had a lumbar decompression and fusion three weeks ago.", kb)
    assert intake.case.age == 59
    assert intake.status("recent_spinal_procedure") == "present"
    assert "cauda_equina" not in {u.group for u in intake.to_confirm}


def test_a_procedure_dated_by_a_day_word_happened_and_a_booked_one_has_not(kb: KnowledgeBase) -> None:
    """A note line naming an injection with 'today', 'yesterday' or 'last week' and no verb records it as done (a
    recent spinal procedure); one only booked or planned does not, unless a past verb says it also happened."""
    for note in ("Transforaminal ESI today for L5 pain.", "Caudal epidural yesterday.", "Nerve root block last week."):
        assert parse_note(note, kb).status("recent_spinal_procedure") == "present", note
    for note in ("Epidural injection booked for next Tuesday.", "Planned caudal epidural, awaiting date."):
        assert parse_note(note, kb).status("recent_spinal_procedure") != "present", note
    done = parse_note("Underwent a planned caesarean under spinal anaesthesia.", kb)
    assert done.status("recent_spinal_procedure") == "present"


def test_a_normal_verdict_after_a_list_denies_only_its_own_item(kb: KnowledgeBase) -> None:
    """'normal' closing a list of blood results denies the last item only: the raised values before the comma are
    still read ("CRP 240, ESR 102, WCC normal" means raised markers); one item with its verdict is still denied."""
    listed = parse_note("Labs: ESR 75, CRP 160, WCC normal.", kb)
    assert listed.status("observation:crp_mg_l") == "present"
    assert listed.status("raised_inflammatory_markers") == "present"
    alone = parse_note("CRP 4, normal.", kb)
    assert alone.status("raised_inflammatory_markers") != "present"
