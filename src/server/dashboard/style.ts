/** The dashboard's only stylesheet (served from /static/style.css: the CSP allows no inline style). */
export const STYLE = `
*{box-sizing:border-box}
body{font-family:system-ui,"Noto Sans JP",sans-serif;margin:0;color:#1b1f24;background:#f6f7f9;line-height:1.5}
header{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between;padding:.6rem 1rem;background:#17324d;color:#fff}
header a{color:#fff}
.brand{font-weight:700;text-decoration:none}
nav{display:flex;flex-wrap:wrap;gap:.6rem;align-items:center}
nav form{display:inline}
main{padding:1rem;max-width:72rem;margin:0 auto}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #dde1e6;vertical-align:top;overflow-wrap:anywhere}
td.num{text-align:right}
.sev{display:inline-block;white-space:nowrap;padding:0 .4rem;border-radius:.25rem;font-size:.85rem;background:#dde1e6}
.sev-critical{background:#8b0000;color:#fff}.sev-high{background:#d9480f;color:#fff}
.sev-medium{background:#f2c94c}.sev-low{background:#9cc3e6}.sev-info{background:#e9ecef}
.incident{background:#fff;border-left:4px solid #8b0000;padding:.5rem 1rem;margin:.5rem 0}
.timeline code,td code{white-space:pre-wrap;overflow-wrap:anywhere}
.error{color:#8b0000;font-weight:600}
.login{display:grid;gap:.6rem;max-width:20rem}
.login input{width:100%;padding:.4rem}
button{padding:.35rem .8rem}
button.danger{background:#8b0000;color:#fff;border:0;margin-top:1rem}
ul.seen{margin:0;padding-left:1rem}
th{overflow-wrap:normal}
td.nw,code.ip{white-space:nowrap;overflow-wrap:normal}
.exposed-yes{color:#8b0000;font-weight:600}
nav a{white-space:nowrap}
@media (max-width:40rem){th,td{padding:.3rem .2rem}table{font-size:.85rem}main{padding:.5rem}
table.hosts th:nth-child(4),table.hosts td:nth-child(4){display:none}
table.apache th:nth-child(6),table.apache td:nth-child(6){display:none}}
`;
