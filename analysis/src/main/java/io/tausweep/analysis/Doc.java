package io.tausweep.analysis;

import java.util.ArrayList;
import java.util.List;

/**
 * A small document (headings, paragraphs, tables, images) rendered both as Markdown and as
 * standalone HTML, so {@code report.md} and {@code report.html} carry the same content without a
 * Markdown parser. Text is plain: no inline markup, escaped for each target.
 */
final class Doc {
  /** A part of the document. */
  sealed interface Block permits Heading, Para, Table, Image {}

  /** A heading of level 1..3. */
  record Heading(int level, String text) implements Block {}

  /** A paragraph of plain text. */
  record Para(String text) implements Block {}

  /** A table; {@code numeric[c]} right-aligns column c. Every row has the header's width. */
  record Table(List<String> header, boolean[] numeric, List<List<String>> rows) implements Block {
    Table {
      for (List<String> r : rows) {
        if (r.size() != header.size()) {
          throw new IllegalArgumentException(
              "Table row has " + r.size() + " cells, header " + header.size());
        }
      }
    }
  }

  /** An image by a path relative to the document. */
  record Image(String alt, String path) implements Block {}

  private final String title;
  private final List<Block> blocks = new ArrayList<>();

  Doc(String title) {
    this.title = title;
    blocks.add(new Heading(1, title));
  }

  Doc heading(int level, String text) {
    blocks.add(new Heading(level, text));
    return this;
  }

  Doc para(String text) {
    blocks.add(new Para(text));
    return this;
  }

  Doc table(Table t) {
    blocks.add(t);
    return this;
  }

  Doc image(String alt, String path) {
    blocks.add(new Image(alt, path));
    return this;
  }

  String markdown() {
    StringBuilder sb = new StringBuilder();
    for (Block b : blocks) {
      if (b instanceof Heading h) {
        sb.append("#".repeat(h.level())).append(' ').append(mdText(h.text())).append("\n\n");
      } else if (b instanceof Para p) {
        sb.append(mdText(p.text())).append("\n\n");
      } else if (b instanceof Image i) {
        sb.append("![").append(mdText(i.alt())).append("](").append(i.path()).append(")\n\n");
      } else if (b instanceof Table t) {
        sb.append('|');
        t.header().forEach(h -> sb.append(' ').append(mdCell(h)).append(" |"));
        sb.append("\n|");
        for (int c = 0; c < t.header().size(); c++) {
          sb.append(t.numeric()[c] ? " ---: |" : " --- |");
        }
        sb.append('\n');
        for (List<String> r : t.rows()) {
          sb.append('|');
          r.forEach(v -> sb.append(' ').append(mdCell(v)).append(" |"));
          sb.append('\n');
        }
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  String html() {
    StringBuilder sb = new StringBuilder();
    sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
        .append(esc(title))
        .append("</title>\n<style>\n")
        .append(
            "body{font-family:sans-serif;max-width:72em;margin:2em auto;padding:0 1em;line-height:1.4}\n")
        .append(
            "table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #bbb;padding:.25em .6em}\n")
        .append("th{background:#eee}td.num{text-align:right;font-variant-numeric:tabular-nums}\n")
        .append("img{max-width:100%}\n</style>\n</head>\n<body>\n");
    for (Block b : blocks) {
      if (b instanceof Heading h) {
        sb.append("<h")
            .append(h.level())
            .append('>')
            .append(esc(h.text()))
            .append("</h")
            .append(h.level())
            .append(">\n");
      } else if (b instanceof Para p) {
        sb.append("<p>").append(esc(p.text())).append("</p>\n");
      } else if (b instanceof Image i) {
        sb.append("<p><img src=\"")
            .append(esc(i.path()))
            .append("\" alt=\"")
            .append(esc(i.alt()))
            .append("\"></p>\n");
      } else if (b instanceof Table t) {
        sb.append("<table>\n<thead><tr>");
        t.header().forEach(h -> sb.append("<th>").append(esc(h)).append("</th>"));
        sb.append("</tr></thead>\n<tbody>\n");
        for (List<String> r : t.rows()) {
          sb.append("<tr>");
          for (int c = 0; c < r.size(); c++) {
            sb.append(t.numeric()[c] ? "<td class=\"num\">" : "<td>")
                .append(esc(r.get(c)))
                .append("</td>");
          }
          sb.append("</tr>\n");
        }
        sb.append("</tbody>\n</table>\n");
      }
    }
    return sb.append("</body>\n</html>\n").toString();
  }

  /**
   * Escapes the characters Markdown would read as markup in this document's text (method and sweep
   * names, numbers, intervals); an intraword {@code _} as in {@code full_ft} is left alone, as
   * CommonMark does, and so are brackets, which make a link only before a parenthesis.
   */
  private static String mdText(String s) {
    return s.replaceAll("([\\\\`*<|])", "\\\\$1");
  }

  private static String mdCell(String s) {
    return mdText(s).replace("\n", " ");
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
