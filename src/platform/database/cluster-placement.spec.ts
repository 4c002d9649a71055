import { chmod, mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstBlockedFolder, placeCluster, relocatedClusterDir, SYSTEM_CLUSTER_ROOT } from './cluster-placement.js';
import { EmbeddedPostgresError } from './embedded-postgres.error.js';

// Judged from permission bits alone, for a user who owns nothing here: no root, no real postgres user needed.
const stranger = { uid: 54_321, gid: 54_321 };

describe('cluster placement', () => {
  let home: string;

  beforeEach(async () => {
    home = await realpath(await mkdtemp(join(tmpdir(), 'placement-spec-')));
  });
  afterEach(async () => {
    await chmod(home, 0o700);
    await rm(home, { recursive: true, force: true });
  });

  describe('firstBlockedFolder', () => {
    it('should name the first folder on the way that others may not enter, with its mode', async () => {
      await mkdir(join(home, 'app', '.data'), { recursive: true, mode: 0o755 });
      await chmod(home, 0o700);
      expect(await firstBlockedFolder(join(home, 'app', '.data'), stranger)).toBe(`${home} (mode 0700)`);
    });

    it('should let through folders others may enter without listing (o+x)', async () => {
      await mkdir(join(home, 'app'), { mode: 0o711 });
      await chmod(join(home, 'app'), 0o711);
      await chmod(home, 0o701);
      expect(await firstBlockedFolder(join(home, 'app'), stranger)).toBeUndefined();
    });

    it('should use the owner bits for the owner and the group bits for the group', async () => {
      await chmod(home, 0o700);
      const me = { uid: process.getuid!(), gid: process.getgid!() };
      expect(await firstBlockedFolder(home, me)).toBeUndefined();
      await chmod(home, 0o070);
      expect(await firstBlockedFolder(home, { uid: stranger.uid, gid: me.gid })).toBeUndefined();
      expect(await firstBlockedFolder(home, stranger)).toBe(`${home} (mode 0070)`);
    });
  });

  describe('placeCluster', () => {
    it('should keep the cluster in DATA_DIR when its user can reach it', async () => {
      await chmod(home, 0o755);
      expect(await placeCluster(home, stranger)).toEqual({ clusterDir: join(home, 'pg') });
    });

    it('should move a new cluster to a folder of its own under the system folder when DATA_DIR is out of reach', async () => {
      const dataDir = join(home, '.data');
      await mkdir(dataDir);
      await chmod(home, 0o700);
      const placement = await placeCluster(dataDir, stranger);
      expect(placement).toEqual({
        clusterDir: relocatedClusterDir(dataDir),
        relocatedBecause: `the postgres user may not enter ${home} (mode 0700)`,
      });
      expect(placement.clusterDir).toMatch(new RegExp(`^${SYSTEM_CLUSTER_ROOT}/[0-9a-f]{16}/pg$`));
    });

    it('should not start a new cluster elsewhere when DATA_DIR holds one its user cannot reach', async () => {
      const dataDir = join(home, '.data');
      await mkdir(join(dataDir, 'pg'), { recursive: true });
      await writeFile(join(dataDir, 'pg', 'PG_VERSION'), '18\n');
      await chmod(home, 0o700);
      const placing = placeCluster(dataDir, stranger);
      await expect(placing).rejects.toBeInstanceOf(EmbeddedPostgresError);
      await expect(placing).rejects.toThrow(`A PostgreSQL cluster exists in ${join(dataDir, 'pg')} but the postgres user may not enter ${home} (mode 0700)`);
    });
  });

  it('should give every DATA_DIR its own relocated folder', () => {
    expect(relocatedClusterDir('/root/app/.data')).not.toBe(relocatedClusterDir('/root/app2/.data'));
    expect(relocatedClusterDir('/root/app/.data')).toBe(relocatedClusterDir('/root/app/.data'));
  });
});
