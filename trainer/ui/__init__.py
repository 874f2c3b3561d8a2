"""Everything Qt: the learner's desktop app. The core (trainer/*) never imports this."""
