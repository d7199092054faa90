package io.tausweep.model.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Streams the regular files out of a gzip-compressed tar archive (ustar, pax and GNU long names),
 * using only the JDK.
 * Hand-written because commons-compress 1.28 needs commons-io 2.16 or later, while
 * Deeplearning4j puts commons-io 2.7 first on this module's class path.
 */
final class TarGz {
    private static final int BLOCK = 512;

    /** Receives one regular file; {@code content} yields exactly {@code size} bytes and must not be closed. */
    interface FileHandler {
        void accept(String name, long size, InputStream content) throws IOException;
    }

    private TarGz() {
    }

    /**
     * Calls {@code handler} for each regular file, in archive order; other entries are skipped.
     *
     * @throws IOException if the file is not a well-formed .tgz (the message says where)
     */
    static void forEachFile(Path tgz, FileHandler handler) throws IOException {
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(tgz), 1 << 16), 1 << 16)) {
            byte[] header = new byte[BLOCK];
            String longName = null;
            Long paxSize = null;
            long offset = 0;
            while (true) {
                if (in.readNBytes(header, 0, BLOCK) != BLOCK) {
                    throw new EOFException("tar archive ends inside the header at byte " + offset);
                }
                if (isZero(header)) {
                    return;
                }
                verifyChecksum(header, offset);
                byte type = header[156];
                String name = longName != null ? longName : headerName(header);
                long size = paxSize != null ? paxSize : number(header, 124, 12, offset);
                longName = null;
                paxSize = null;
                offset += BLOCK;
                if (type == 'x' || type == 'L') {
                    byte[] meta = readExactly(in, size, offset);
                    if (type == 'L') {
                        longName = cString(meta, 0, meta.length);
                    } else {
                        String[] pax = parsePax(meta, offset);
                        longName = pax[0];
                        paxSize = pax[1] == null ? null : Long.parseLong(pax[1]);
                    }
                    in.skipNBytes(padding(size));
                } else if (type == '0' || type == 0 || type == '7') {
                    Bounded content = new Bounded(in, size);
                    handler.accept(name, size, content);
                    in.skipNBytes(content.remaining + padding(size));
                } else {
                    in.skipNBytes(size + padding(size));
                }
                offset += size + padding(size);
            }
        }
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static void verifyChecksum(byte[] header, long offset) throws IOException {
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += i >= 148 && i < 156 ? ' ' : header[i] & 0xFF;
        }
        long stored = number(header, 148, 8, offset);
        if (stored != sum) {
            throw new IOException("tar header at byte " + offset + " has checksum " + stored + ", computed " + sum
                    + " (not a tar archive, or corrupt)");
        }
    }

    private static String headerName(byte[] header) {
        String name = cString(header, 0, 100);
        boolean ustar = new String(header, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
        String prefix = ustar ? cString(header, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static String cString(byte[] b, int from, int max) {
        int end = from;
        while (end < from + max && b[end] != 0) {
            end++;
        }
        return new String(b, from, end - from, StandardCharsets.UTF_8);
    }

    /** An octal field, or a big-endian base-256 one when the high bit of its first byte is set. */
    private static long number(byte[] b, int from, int len, long offset) throws IOException {
        if ((b[from] & 0x80) != 0) {
            long v = b[from] & 0x7F;
            for (int i = from + 1; i < from + len; i++) {
                v = (v << 8) | (b[i] & 0xFF);
            }
            return v;
        }
        String s = cString(b, from, len).trim();
        try {
            return s.isEmpty() ? 0 : Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            throw new IOException("tar header at byte " + offset + " has a non-octal number '" + s + "'", e);
        }
    }

    /** Returns {path, size} from pax records {@code "<len> <key>=<value>\n"}; either may be null. */
    private static String[] parsePax(byte[] meta, long offset) throws IOException {
        String[] result = new String[2];
        int pos = 0;
        while (pos < meta.length && meta[pos] != 0) {
            int space = pos;
            while (space < meta.length && meta[space] != ' ') {
                space++;
            }
            int len;
            try {
                len = Integer.parseInt(new String(meta, pos, space - pos, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw new IOException("malformed pax header at byte " + offset, e);
            }
            if (len <= space - pos || pos + len > meta.length) {
                throw new IOException("malformed pax header at byte " + offset);
            }
            String record = new String(meta, space + 1, pos + len - space - 2, StandardCharsets.UTF_8);
            int eq = record.indexOf('=');
            if (eq > 0) {
                String key = record.substring(0, eq);
                if (key.equals("path")) {
                    result[0] = record.substring(eq + 1);
                } else if (key.equals("size")) {
                    result[1] = record.substring(eq + 1);
                }
            }
            pos += len;
        }
        return result;
    }

    private static byte[] readExactly(InputStream in, long size, long offset) throws IOException {
        if (size > 1 << 20) {
            throw new IOException("tar metadata entry at byte " + offset + " claims " + size + " bytes");
        }
        byte[] b = in.readNBytes((int) size);
        if (b.length != size) {
            throw new EOFException("tar archive ends inside the entry at byte " + offset);
        }
        return b;
    }

    private static long padding(long size) {
        return (BLOCK - size % BLOCK) % BLOCK;
    }

    /** The content of one entry; reading past its end returns -1, closing does nothing. */
    private static final class Bounded extends InputStream {
        private final InputStream in;
        private long remaining;

        Bounded(InputStream in, long size) {
            this.in = in;
            this.remaining = size;
        }

        @Override
        public int read() throws IOException {
            if (remaining == 0) {
                return -1;
            }
            int b = in.read();
            if (b < 0) {
                throw new EOFException("tar archive ends inside an entry, " + remaining + " bytes short");
            }
            remaining--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (remaining == 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new EOFException("tar archive ends inside an entry, " + remaining + " bytes short");
            }
            remaining -= n;
            return n;
        }

        @Override
        public void close() {
            // The archive stream is closed by forEachFile.
        }
    }
}
