package protect

import (
	"slices"
	"testing"
)

// TestScrubEnvShortNamesAndShapes: passwords and session ids under short
// names, and credentials by their shape under any name (a connection
// string's password or key, a URL's signed or token query, a webhook URL,
// a SAS token alone) are removed (seventeenth red team of the sandbox:
// each reached the program); what only looks like them stays.
func TestScrubEnvShortNamesAndShapes(t *testing.T) {
	gone := []string{"DB_PW=hunter2", "LDAP_BIND_PW=hunter2", "DBPASS=hunter2", "SMTPPASS=hunter2", "APP_SESSION=s3ss10n",
		"SESSION_ID=s3ss10n", "WALLET_MNEMONIC=abandon ability able", "SEED_PHRASE=abandon ability able",
		"AZURE_STORAGE_SAS=sv=2022&sig=x", "AZURE_CONNSTR=x",
		"SQLSERVER=Server=tcp:db.example.com;Database=d;User ID=u;Password=hunter2;",
		"STORAGE=DefaultEndpointsProtocol=https;AccountName=x;AccountKey=abcdefgh==;EndpointSuffix=core.windows.net",
		"BUS=Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=abcdef=",
		"MYSQL_OPTS=--user=u --password=hunter2",
		"BLOB=https://x.blob.core.windows.net/c/f?sv=2022-11-02&se=2030&sig=abcdef%3D",
		"ARTIFACT=https://bucket.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4&X-Amz-Signature=abcdef",
		"FEED=https://example.com/feed.xml?token=abcdef", "CHAT=https://chat.googleapis.com/v1/spaces/x/messages?key=k&token=t",
		"NOTIFY_URL=https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX",
		"ALERTS=https://discord.com/api/webhooks/123/abcdefghijk", "TEAMS=https://x.webhook.office.com/webhookb2/abc",
		"BOT=https://api.telegram.org/bot123456:ABCDEF/sendMessage", "SAS=?sv=2022&ss=b&sig=abcdef"}
	kept := []string{"DESKTOP_SESSION=gnome", "XDG_SESSION_ID=3", "TERM_SESSION_ID=w0t0p0:ABC", "XDG_SESSION_TYPE=wayland",
		"DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus", "NO_BYPASS=1", "LS_COLORS=rs=0:di=01;34:ln=01;36",
		"PAGE=https://example.com/a?page=2&q=token", "CONN=Data Source=db;Integrated Security=true", "EMPTY=password=",
		"QUERY=a=b&c=d", "GOPROXY=https://proxy.golang.org,direct", "JAVA_OPTS=-Dfoo=bar -Xmx1g", "SSH_ASKPASS=/usr/bin/x", "GIT_ASKPASS=/usr/bin/x"}
	out := Default().ScrubEnv(slices.Concat(gone, kept))
	for _, kv := range gone {
		if slices.Contains(out, kv) {
			t.Errorf("%s reached the program", kv)
		}
	}
	for _, kv := range kept {
		if !slices.Contains(out, kv) {
			t.Errorf("%s was removed", kv)
		}
	}
}

// TestScrubEnvOTPAndCred: one-time-password seeds and credentials under the
// short name CRED are removed; names that only hold those letters stay.
func TestScrubEnvOTPAndCred(t *testing.T) {
	gone := []string{"OTP_SEED=JBSWY3DPEHPK3PXP", "GITHUB_TOTP=JBSWY3DPEHPK3PXP", "VPN_OTP=JBSWY3DPEHPK3PXP",
		"AWS_MFA_OTP_SEED=JBSWY3DPEHPK3PXP", "HOTP_COUNTER_KEY=x", "CRED=u:p", "GCP_CRED=u:p", "CRED_FILE=/k", "DB_CRED_JSON=x"}
	kept := []string{"BOOTPROTO=dhcp", "SCREDIR=/x", "CREDITS=10", "ACCREDITED=1", "NOTPAD=1", "PYTHONHASHSEED=0"}
	out := Default().ScrubEnv(slices.Concat(gone, kept))
	for _, kv := range gone {
		if slices.Contains(out, kv) {
			t.Errorf("%s reached the program", kv)
		}
	}
	for _, kv := range kept {
		if !slices.Contains(out, kv) {
			t.Errorf("%s was removed", kv)
		}
	}
}
