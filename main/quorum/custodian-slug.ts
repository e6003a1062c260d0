// A custodian's name as a file-name part: the envelopes of a quorum and of a key backup
// are named after their custodian, in portable characters (FAT, NTFS, ext4).
export function custodianSlug(name: string): string {
  const s = name
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase()
    .slice(0, 32);
  return s || 'custodian';
}
