"""The first guides, from the troubles of the WIDE camp 2011 IPv6-only network (report section 3.3)."""
from django.db import migrations

GUIDES = [
    dict(slug="windows-ipv4-off", os="windows", topic="ipv4-off", order=10,
         title_en="Windows: turn IPv4 off to stop the one-to-two-minute wait",
         title_ja="Windows: IPv4 を無効にして 1〜2 分の待ち時間をなくす",
         body_en="""With IPv4 turned on, Windows checks IPv4 connectivity each time it joins a network and waits for it to time out: on an IPv6-only network that costs one to two minutes. Participants who turned IPv4 off found the network "shockingly, but really, much more comfortable".

Settings, Network & Internet, Wi-Fi, your network, More adapter options (or Control Panel, Network Connections), right-click Wi-Fi, Properties: untick "Internet Protocol Version 4 (TCP/IPv4)" and press OK.

Or, in an administrator PowerShell (replace Wi-Fi with your adapter's name):

$ Disable-NetAdapterBinding -Name "Wi-Fi" -ComponentID ms_tcpip

Turn it on again when you leave (Enable-NetAdapterBinding with the same arguments). Windows XP cannot run without IPv4; use the IPv4 network (SA46T) instead.""",
         body_ja="""IPv4 が有効だと、Windows は接続のたびに IPv4 の対外接続性を確認し、タイムアウトまで待ちます。IPv6 only ネットワークではこれに 1〜2 分かかります。IPv4 を無効にした参加者の多くは「衝撃的だが、実際、非常に快適になった」と答えました。

設定、ネットワークとインターネット、Wi-Fi、アダプターのオプションを変更する（またはコントロールパネルのネットワーク接続）で Wi-Fi を右クリックしてプロパティを開き、「インターネット プロトコル バージョン 4 (TCP/IPv4)」のチェックを外して OK を押します。

または管理者の PowerShell で（Wi-Fi はアダプター名に置き換えてください）:

$ Disable-NetAdapterBinding -Name "Wi-Fi" -ComponentID ms_tcpip

会場を離れるときは元に戻してください（同じ引数で Enable-NetAdapterBinding）。Windows XP は IPv4 なしでは動かないため、IPv4 のネットワーク（SA46T）を使ってください。"""),
    dict(slug="macos-ipv4-off", os="macos", topic="ipv4-off", order=10,
         title_en="macOS: let option 108 turn IPv4 off, or turn it off yourself",
         title_ja="macOS: オプション 108 に任せるか、自分で IPv4 を無効にする",
         body_en="""Recent macOS versions ask the network's DHCPv4 server for option 108 ("IPv6-only preferred", RFC 8925): where the network offers it, macOS drops IPv4 by itself and reaches IPv4 services through its built-in CLAT. Nothing to do then; the self-test shows IPv4 addresses written as numbers working.

On older versions that wait for IPv4 when joining, turn IPv4 off for Wi-Fi (replace Wi-Fi with the service name shown by networksetup -listallnetworkservices; older systems call it AirPort):

$ sudo networksetup -setv4off "Wi-Fi"

Turn it on again when you leave:

$ sudo networksetup -setdhcp "Wi-Fi\"""",
         body_ja="""最近の macOS は DHCPv4 サーバにオプション 108（IPv6-only preferred、RFC 8925）を要求します。ネットワークがこれを提供していれば macOS は自分で IPv4 をやめ、内蔵の CLAT で IPv4 のサービスに届きます。その場合は何もしなくて構いません。セルフテストで数字で書いた IPv4 アドレスが通ることを確認できます。

接続時に IPv4 を待ってしまう古いバージョンでは、Wi-Fi の IPv4 を無効にします（Wi-Fi は networksetup -listallnetworkservices が示すサービス名に置き換えてください。古いシステムでは AirPort です）:

$ sudo networksetup -setv4off "Wi-Fi"

会場を離れるときは元に戻してください:

$ sudo networksetup -setdhcp "Wi-Fi\""""),
    dict(slug="macos-dns64-by-hand", os="macos", topic="dns64", order=20,
         title_en="macOS: set the DNS64 resolver with networksetup",
         title_ja="macOS: networksetup で DNS64 リゾルバを設定する",
         body_en="""Mac OS X 10.6 (Snow Leopard) and earlier do not speak DHCPv6, so they never learn the DNS64 resolver. At the WIDE camp a resolver set in System Preferences kept disappearing on such a MacBook Air; set on the command line it stayed:

$ sudo networksetup -setdnsservers "Wi-Fi" {dns64_resolver}

Use "AirPort" instead of "Wi-Fi" on old systems. To go back to what the network announces:

$ sudo networksetup -setdnsservers "Wi-Fi" empty""",
         body_ja="""Mac OS X 10.6 (Snow Leopard) 以前は DHCPv6 に対応しておらず、DNS64 リゾルバを知ることができません。WIDE 合宿では、そのような MacBook Air で GUI で設定した DNS64 がいつの間にか消えてしまいましたが、コマンドラインで設定すると消えませんでした:

$ sudo networksetup -setdnsservers "Wi-Fi" {dns64_resolver}

古いシステムでは "Wi-Fi" の代わりに "AirPort" を使ってください。ネットワークが通知する設定に戻すには:

$ sudo networksetup -setdnsservers "Wi-Fi" empty"""),
    dict(slug="windows-dns64-by-hand", os="windows", topic="dns64", order=20,
         title_en="Windows: set the DNS64 resolver by hand",
         title_ja="Windows: DNS64 リゾルバを手で設定する",
         body_en="""Windows XP has no DHCPv6 client and cannot learn the DNS64 resolver; wireless tools of some laptop makers (ThinkPad's among them) also lose it. Set it by hand in an administrator command prompt (replace Wi-Fi with your adapter's name):

$ netsh interface ipv6 add dnsserver "Wi-Fi" {dns64_resolver} index=1

Or in the adapter's "Internet Protocol Version 6 (TCP/IPv6)" properties: "Use the following DNS server addresses".""",
         body_ja="""Windows XP には DHCPv6 クライアントがなく、DNS64 リゾルバを知ることができません。ThinkPad などメーカー製の無線 LAN 設定ツールでも設定が反映されないことがあります。管理者のコマンドプロンプトで手で設定してください（Wi-Fi はアダプター名に置き換えてください）:

$ netsh interface ipv6 add dnsserver "Wi-Fi" {dns64_resolver} index=1

またはアダプターの「インターネット プロトコル バージョン 6 (TCP/IPv6)」のプロパティで「次の DNS サーバーのアドレスを使う」を選びます。"""),
    dict(slug="linux-ipv6-only", os="linux", topic="dns64", order=20,
         title_en="Linux (NetworkManager): IPv6 only, with the DNS64 resolver",
         title_ja="Linux (NetworkManager): IPv6 のみと DNS64 リゾルバ",
         body_en="""Turn IPv4 off for the event's network and, if your system does not take the resolver from DHCPv6 or the router advertisement, give it by hand (replace SSID with the network's name):

$ nmcli connection modify SSID ipv4.method disabled
$ nmcli connection modify SSID ipv6.dns {dns64_resolver} ipv6.ignore-auto-dns no
$ nmcli connection up SSID""",
         body_ja="""会場のネットワークで IPv4 を無効にし、DHCPv6 やルータ広告からリゾルバを受け取らない場合は手で設定します（SSID はネットワーク名に置き換えてください）:

$ nmcli connection modify SSID ipv4.method disabled
$ nmcli connection modify SSID ipv6.dns {dns64_resolver} ipv6.ignore-auto-dns no
$ nmcli connection up SSID"""),
    dict(slug="android-ipv6-only", os="android", topic="dns64", order=20,
         title_en="Android: no DHCPv6, resolver from the router advertisement",
         title_ja="Android: DHCPv6 なし、リゾルバはルータ広告から",
         body_en="""Android does not use DHCPv6: it learns the resolver from the router advertisement (RDNSS) and reaches IPv4 through its CLAT, so IPv4 addresses written as numbers work too. Old Android (2.x) could not turn IPv4 off and seemed to resolve names over IPv4 only: on such a device use the network with IPv4 (SA46T or 4rd).""",
         body_ja="""Android は DHCPv6 を使わず、ルータ広告 (RDNSS) からリゾルバを知り、CLAT で IPv4 に届きます。そのため数字で書いた IPv4 アドレスも使えます。古い Android (2.x) は IPv4 を無効にできず、名前解決を IPv4 でしか行わないようでした。そのような端末では IPv4 のあるネットワーク（SA46T または 4rd）を使ってください。"""),
    dict(slug="certificate", os="other", topic="certificate", order=30,
         title_en="Every system: install your certificate before you come",
         title_ja="すべてのシステム: 来る前に証明書を入れる",
         body_en="""The most frequent trouble at the WIDE camp was a personal certificate left at home: without it a device cannot join the WPA2 EAP-TLS networks. Get a certificate per device from the portal and install it with the steps for your system. Forgot it anyway? Issue a new one in the portal, or register the device's MAC address for the backup network at the helpdesk.""",
         body_ja="""WIDE 合宿で最も多かったトラブルは個人証明書の入れ忘れでした。証明書がないと WPA2 EAP-TLS のネットワークに接続できません。ポータルで端末ごとに証明書を取得し、システムごとの手順でインストールしてください。忘れてしまった場合は、ポータルで新しい証明書を発行するか、ヘルプデスクで予備ネットワーク用に MAC アドレスを登録してください。"""),
    dict(slug="applications", os="other", topic="applications", order=40,
         title_en="Applications: what works on an IPv6-only network",
         title_ja="アプリケーション: IPv6 only ネットワークで動くもの",
         body_en="""Web and most mail and chat work through NAT64/DNS64. Three things do not:

Servers written as IPv4 numbers (in mail, SSH or VPN settings): NAT64 needs a name. Write the server's name instead, or use the network with IPv4.

VPNs (IPsec, PPTP, OpenVPN to an IPv4 server) and some messengers: they cannot pass NAT64. Register the device for the network with IPv4 (SA46T or 4rd).

Large transfers that hang while small pages load: a path MTU black hole. Send a trouble report naming the network (SSID).""",
         body_ja="""ウェブや多くのメール、チャットは NAT64/DNS64 で使えます。次の 3 つは使えません:

IPv4 アドレスを数字で書いたサーバ（メール、SSH、VPN の設定）: NAT64 には名前が必要です。サーバ名で書くか、IPv4 のあるネットワークを使ってください。

VPN（IPsec、PPTP、IPv4 サーバへの OpenVPN）や一部のメッセンジャー: NAT64 を通れません。IPv4 のあるネットワーク（SA46T または 4rd）に端末を登録してください。

小さなページは読めるのに大きな転送が止まる: MTU ブラックホールです。ネットワーク (SSID) を書いてトラブルを報告してください。"""),
]


def seed(apps, schema_editor):
    Guide = apps.get_model("guides", "Guide")
    for guide in GUIDES:
        Guide.objects.update_or_create(slug=guide["slug"], defaults=guide)


def unseed(apps, schema_editor):
    apps.get_model("guides", "Guide").objects.filter(slug__in=[guide["slug"] for guide in GUIDES]).delete()


class Migration(migrations.Migration):
    dependencies = [("guides", "0001_setup_guides")]
    operations = [migrations.RunPython(seed, unseed)]
