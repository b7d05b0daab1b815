package io.headroom.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The operating-system user the embedded server runs as. PostgreSQL refuses to run as root
 * ({@code initdb: cannot be run as root}), so a root process runs it as {@code nobody} through
 * {@code setpriv}; anyone else runs it as themselves.
 */
final class ServerUser {

    private final boolean dropPrivileges;
    private final int uid;
    private final int gid;

    private ServerUser(boolean dropPrivileges, int uid, int gid) {
        this.dropPrivileges = dropPrivileges;
        this.uid = uid;
        this.gid = gid;
    }

    static ServerUser forThisProcess() {
        if (currentUid() != 0) {
            return new ServerUser(false, -1, -1);
        }
        return new ServerUser(true, idOf("-u"), idOf("-g"));
    }

    boolean dropsPrivileges() {
        return dropPrivileges;
    }

    /** The command, prefixed so that it runs as the server user. */
    List<String> command(List<String> command) {
        if (!dropPrivileges) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** Makes {@code dir} belong to the server user, so the server can write its data and log there. */
    void own(Path dir) throws IOException {
        if (dropPrivileges) {
            Files.setAttribute(dir, "unix:uid", uid);
            Files.setAttribute(dir, "unix:gid", gid);
        }
    }

    /**
     * Whether the server user can reach {@code path}: every existing ancestor must let others search it.
     * Checked because a checkout under {@code /root} (mode 700) is out of reach for {@code nobody}.
     */
    boolean canReach(Path path) {
        if (!dropPrivileges) {
            return true;
        }
        for (Path p = path.toAbsolutePath(); p != null; p = p.getParent()) {
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
                int owner = (Integer) Files.getAttribute(p, "unix:uid");
                boolean searchable = owner == uid ? perms.contains(PosixFilePermission.OWNER_EXECUTE)
                        : perms.contains(PosixFilePermission.OTHERS_EXECUTE);
                if (Files.isDirectory(p) && !searchable) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    private static int currentUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            return "root".equals(System.getProperty("user.name")) ? 0 : 1000;
        }
    }

    private static int idOf(String flag) {
        try {
            Process p = new ProcessBuilder("id", flag, "nobody").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() != 0) {
                throw new DatabaseSetupException("running as root, the embedded PostgreSQL needs the user 'nobody', "
                        + "but 'id " + flag + " nobody' failed: " + out);
            }
            return Integer.parseInt(out);
        } catch (IOException e) {
            throw new DatabaseSetupException("cannot look up the user 'nobody' with the 'id' command: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseSetupException("interrupted while looking up the user 'nobody'", e);
        }
    }
}
