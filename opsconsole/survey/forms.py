from django import forms

from .models import Question


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["order", "text_en", "text_ja", "choices_en", "choices_ja", "active"]
        widgets = {"choices_en": forms.Textarea(attrs={"rows": 5}), "choices_ja": forms.Textarea(attrs={"rows": 5})}


class AnswersForm(forms.Form):
    """One required single choice per question asked, labelled in the reader's language."""

    def __init__(self, questions: list[Question], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=question.text, widget=forms.RadioSelect, coerce=int,
                choices=list(enumerate(question.choices)))

    def chosen(self) -> list[tuple[Question, int]]:
        return [(question, self.cleaned_data[f"q{question.pk}"]) for question in self.questions]
