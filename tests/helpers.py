"""Small quiz files for tests, written in the real format."""

GOOD_QUIZ = '''\
id: sample
title: Sample quiz
description: One question of each type.
author: Tests
code_set_year: 2026
licence: CC-BY-4.0
questions:
  - id: s-case-1
    type: case
    title: Knee injection with a visit
    tags: [Surgery/Musculoskeletal, Modifiers]
    difficulty: 2
    scenario: |
      CHIEF COMPLAINT: Right knee pain.
      PROCEDURE: Injection of the right knee joint without imaging guidance.
    answer:
      lines:
        - code: "99213"
          modifiers: ["25"]
          rationale: A separate problem was managed.
        - "20610-RT"
      icd10: ["M17.11"]
    rationale: The injection is a minor procedure; the visit needs 25.
  - id: s-choice-1
    type: choice
    tags: [Modifiers]
    difficulty: 1
    scenario: Which modifier marks a separately identifiable E/M service on the day of a procedure?
    options:
      - text: "25"
        correct: true
        feedback: Yes.
      - text: "59"
        feedback: No, 59 is for procedures.
      - text: "57"
        feedback: No, 57 is the decision for major surgery.
      - text: "24"
        feedback: No, 24 is for the postoperative period.
    rationale: 25 goes on the E/M code.
  - id: s-em-1
    type: em_level
    tags: [E/M]
    difficulty: 2
    patient: established
    scenario: |
      Two stable chronic illnesses, a prescription renewed, no data reviewed.
    key:
      code: "99214"
      problems: moderate
      data: minimal
      risk: moderate
    rationale: Problems and risk are moderate; two of three set the level.
  - id: s-audit-1
    type: audit
    tags: [Surgery/Integumentary, Compliance]
    difficulty: 2
    scenario: |
      Simple repairs of a 2.5 cm scalp wound and a 5.1 cm arm wound.
    claim:
      - line: "12002"
        correct: false
        correction: "12004"
        explanation: Lengths of simple repairs in the same group are added (7.6 cm).
      - line: "12001"
        correct: false
        explanation: The second wound is already in the summed length.
    rationale: Add the lengths of repairs of the same type and anatomic group.
'''
