"""The question bank: one module per assignment (book chapter), listed in
:data:`autograder.grading.questions.ASSIGNMENTS`. See README.md in this folder."""
