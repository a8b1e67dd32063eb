package io.piimask.spark.text;

import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * URLs that identify a person or an account: a user name or id in the path
 * ({@code /users/jdoe42}, {@code /in/ana-garcia}, {@code /u/8812345}) or the query
 * ({@code ?uid=..}, {@code &user=..}, {@code ?nombre=..}), or a profile on a social site; with or
 * without a scheme. Other URLs (documentation, product pages) are kept.
 */
public final class UrlDetector implements Detector {
  private static final Pattern URL = Pattern.compile(
      "(?iu)(?<![\\p{L}\\p{N}@._-])(?:(?:https?|ftp)://|www\\.|(?:[a-z0-9][a-z0-9-]*\\.)+"
          + "(?:com|net|org|de|fr|es|jp|co|uk|io|me|mx|ca|it|nl|be|ch|at|info|app|dev)(?=/))"
          + "[^\\s<>\"'\\[\\]{}|\\\\^`]+");
  private static final Set<String> PERSONAL_SEGMENTS = Set.of(
      "u", "user", "users", "in", "people", "person", "profile", "profiles", "member", "members", "staff",
      "employee", "employees", "team", "account", "accounts", "compte", "comptes", "cuenta", "perfil",
      "usuario", "usuarios", "nutzer", "benutzer", "konto", "profil", "mitglied", "utilisateur", "membre",
      "share", "pub", "v", "id", "customer", "customers", "cust", "client", "kunde");
  private static final Set<String> PERSONAL_KEYS = Set.of(
      "user", "username", "userid", "user_id", "uid", "id", "email", "mail", "name", "nom", "nombre",
      "login", "owner", "besitzer", "benutzer", "usuario", "utilisateur", "account", "acct", "customer",
      "cust", "member", "profile", "handle", "u", "p", "person", "contact");
  private static final Set<String> SOCIAL = Set.of(
      "linkedin.com", "facebook.com", "fb.com", "instagram.com", "twitter.com", "x.com", "github.com",
      "gitlab.com", "medium.com", "tiktok.com", "xing.com", "youtube.com", "keybase.io");

  @Override
  public Kind kind() {
    return Kind.URL;
  }

  @Override
  public void find(Doc doc, List<Span> out) {
    String t = doc.text;
    if (!doc.lower.contains("://") && !doc.lower.contains("www.") && !domainSlash(doc.lower)) {
      return;
    }
    Matcher m = URL.matcher(t);
    while (m.find()) {
      int end = m.end();
      while (end > m.start() && ".,;:!?)".indexOf(t.charAt(end - 1)) >= 0) {
        end--;
      }
      String url = doc.lower.substring(m.start(), end);
      if (personal(url) || homeDir(url)) {
        out.add(new Span(m.start(), end, Kind.URL));
      }
    }
  }

  /** A cheap necessary condition for a URL without scheme: letters, a dot, 2-4 letters, a slash. */
  static boolean domainSlash(String l) {
    for (int i = l.indexOf('/'); i > 0; i = l.indexOf('/', i + 1)) {
      int k = i - 1;
      while (k >= 0 && k > i - 6 && Character.isLetter(l.charAt(k))) {
        k--;
      }
      if (k >= 1 && i - k >= 3 && l.charAt(k) == '.' && Character.isLetterOrDigit(l.charAt(k - 1))) {
        return true;
      }
    }
    return false;
  }

  static boolean homeDir(String url) {
    return url.contains("/~");
  }

  static boolean personal(String url) {
    String rest = url.replaceFirst("^[a-z]+://", "");
    int slash = rest.indexOf('/');
    String host = slash < 0 ? rest : rest.substring(0, slash);
    host = host.startsWith("www.") ? host.substring(4) : host;
    String path = slash < 0 ? "" : rest.substring(slash);
    if (path.isEmpty() || path.equals("/")) {
      return false;
    }
    if (SOCIAL.contains(host)) {
      return true;
    }
    int q = path.indexOf('?');
    String query = q < 0 ? "" : path.substring(q + 1);
    String p = q < 0 ? path : path.substring(0, q);
    String[] segs = p.split("/");
    for (int i = 0; i < segs.length - 1; i++) {
      if (PERSONAL_SEGMENTS.contains(segs[i]) && !segs[i + 1].isEmpty()) {
        return true;
      }
      if (segs[i].startsWith("@") || segs[i].startsWith("~")) {
        return true;
      }
    }
    if (segs.length > 0 && (segs[segs.length - 1].startsWith("@") || segs[segs.length - 1].startsWith("~"))) {
      return true;
    }
    for (String kv : query.split("[&;]")) {
      int eq = kv.indexOf('=');
      if (eq > 0 && eq < kv.length() - 1 && PERSONAL_KEYS.contains(kv.substring(0, eq))) {
        return true;
      }
    }
    return false;
  }
}
