"""The nine questions of the WIDE camp 2011 survey (report section 3.2, figures 2 and 3)."""
from django.db import migrations

SATISFACTION_EN = "Satisfied\nSomewhat satisfied\nNeither\nSomewhat dissatisfied\nDissatisfied"
SATISFACTION_JA = "満足\nやや満足\nどちらでもない\nやや不満\n不満"
YES_NO_EN, YES_NO_JA = "Yes\nNo", "はい\nいいえ"
WORKED_EN = "Worked without trouble\nWorked, with some trouble\nDid not work\nDid not use it"
WORKED_JA = "問題なく使えた\n一部問題があった\n使えなかった\n使わなかった"

QUESTIONS = [
    ("This camp offered mainly IPv6 only. How was it?", "今回の合宿では主に IPv6 のみを提供しましたがいかがでしたか?",
     SATISFACTION_EN, SATISFACTION_JA),
    ("How was the quality of this network?", "今回のネットワークの品質はいかがでしたか?", SATISFACTION_EN, SATISFACTION_JA),
    ("Did you use the IPv4 service with registration on SSID widecamp (SA46T)?",
     "SSID:widecamp において IPv4 の認証サービスを使用しましたか?", YES_NO_EN, YES_NO_JA),
    ("Did you use SSID widecamp-4rd?", "SSID: widecamp-4rd を使いましたか?", YES_NO_EN, YES_NO_JA),
]
QUESTIONS += [
    (f"How did {what_en} work over widecamp-4rd?", f"widecamp-4rd の通信環境上での通信はいかがだったでしょうか? ({what_ja})",
     WORKED_EN, WORKED_JA)
    for what_en, what_ja in [("the web", "Web"), ("mail", "Mail"), ("VPN", "VPN"), ("messaging", "Messenger"),
                             ("SSH", "SSH")]
]


def seed(apps, schema_editor):
    Question = apps.get_model("survey", "Question")
    for order, (text_en, text_ja, choices_en, choices_ja) in enumerate(QUESTIONS, start=1):
        Question.objects.get_or_create(text_en=text_en, defaults=dict(
            order=order * 10, text_ja=text_ja, choices_en=choices_en, choices_ja=choices_ja))


def unseed(apps, schema_editor):
    apps.get_model("survey", "Question").objects.filter(text_en__in=[q[0] for q in QUESTIONS], answers=None).delete()


class Migration(migrations.Migration):
    dependencies = [("survey", "0001_questions_and_answers")]
    operations = [migrations.RunPython(seed, unseed)]
