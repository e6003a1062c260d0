// One slot and its token as people check it before a ceremony: which token (label,
// serial, model), is it healthy (state and why), and what it can do.
import type { TokenFacts, TokenFlags } from '../../../preload/contract';
import { Card, Disclosure, Icon, KeyValueList, StatusBadge, cx, type KeyValueItem } from '../../design';
import { formatMemory, pinFlagRows, slotTitle, tokenFlags, tokenStateView } from '../../format';
import { useStatus } from '../../stores/status-context';
import { MechanismList } from './MechanismList';

function facts(slot: TokenFacts): KeyValueItem[] {
  const token = slot.token;
  const slotKind = `${slot.hardwareSlot ? 'hardware' : 'software'}, ${slot.removableDevice ? 'removable' : 'fixed'}`;
  const slotFacts: KeyValueItem[] = [
    { key: 'slot', label: 'Slot', value: `${slot.slotDescription || 'No description'} (${slotKind})` },
  ];
  if (!token) return [{ key: 'slotManufacturer', label: 'Slot maker', value: slot.slotManufacturer || 'Not reported' }, ...slotFacts];
  return [
    { key: 'manufacturer', label: 'Manufacturer', value: token.manufacturer || 'Not reported' },
    { key: 'serial', label: 'Serial', value: token.serial || 'Not reported', mono: true },
    { key: 'model', label: 'Model', value: token.model || 'Not reported' },
    { key: 'firmware', label: 'Firmware', value: `${token.firmwareVersion} (hardware ${token.hardwareVersion})`, mono: true },
    { key: 'publicMemory', label: 'Public memory', value: formatMemory(token.freePublicMemory, token.totalPublicMemory) },
    { key: 'privateMemory', label: 'Private memory', value: formatMemory(token.freePrivateMemory, token.totalPrivateMemory) },
    ...slotFacts,
  ];
}

function FlagValue({ set, whenSet }: { set: boolean; whenSet: 'good' | 'bad' | 'fact' }) {
  const alarming = set && whenSet === 'bad';
  return (
    <span className={cx('flag__value', set ? 'flag--set' : 'flag--unset', set && whenSet === 'good' && 'flag--good', alarming && 'flag--bad')}>
      <Icon name={alarming ? 'warn' : set ? (whenSet === 'good' ? 'pass' : 'info') : 'off'} className="flag__icon" />
      {set ? 'Yes' : 'No'}
    </span>
  );
}

function TokenFlagList({ flags }: { flags: TokenFlags }) {
  return (
    <div className="flags">
      <h4 className="flags__title">Token flags</h4>
      <ul className="flags__list">
        {tokenFlags.map((flag) => (
          <li key={flag.key} className="flag" data-flag={flag.key} data-set={flags[flag.key]}>
            <span className="flag__label">{flag.label}</span>
            <FlagValue set={flags[flag.key]} whenSet={flag.whenSet} />
          </li>
        ))}
      </ul>
    </div>
  );
}

function PinTable({ flags, title }: { flags: TokenFlags; title: string }) {
  // Before initialization there are no PINs to protect; tokens (SoftHSM2 among them)
  // still raise "SO PIN locked / to be changed" then, which is not an alarm.
  const meaningful = flags.tokenInitialized;
  return (
    <table className="pins" data-testid="pin-flags">
      <caption className="flags__title">
        PIN flags
        {meaningful ? null : <span className="pins__note">Not in force until the token is initialized.</span>}
      </caption>
      <thead>
        <tr>
          <td />
          <th scope="col">User PIN</th>
          <th scope="col">SO PIN</th>
        </tr>
      </thead>
      <tbody>
        {pinFlagRows.map((row) => (
          <tr key={row.label}>
            <th scope="row">{row.label}</th>
            {[row.user, row.so].map((key, i) => (
              <td key={i} data-flag={key ?? undefined} data-set={key ? flags[key] : undefined}>
                {key ? <FlagValue set={flags[key]} whenSet={meaningful ? row.whenSet : 'fact'} /> : <span className="muted" aria-label={`Not reported for the ${i === 0 ? 'user' : 'SO'} PIN of ${title}`}>—</span>}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function TokenCard({ slot }: { slot: TokenFacts }) {
  const view = tokenStateView[slot.state];
  const getMechanisms = useStatus((s) => s.getMechanisms);
  const title = slotTitle(slot);
  return (
    <Card
      level={3}
      tone="sunken"
      className={cx('token', `token--${view.tone}`)}
      title={title}
      subtitle={`Slot ${slot.slotId}${slot.token?.serial ? ` · serial ${slot.token.serial}` : ''}`}
      actions={<StatusBadge tone={view.tone} label={view.label} size="large" />}
    >
      <div className="token__body" data-testid={`slot-${slot.slotId}`} data-state={slot.state}>
        <p className="token__detail">{slot.stateDetail}</p>
        <div className="token__grid">
          <KeyValueList items={facts(slot)} className="token__facts" />
          {slot.token ? <TokenFlagList flags={slot.token.flags} /> : null}
          {slot.token ? <PinTable flags={slot.token.flags} title={title} /> : null}
        </div>
        {slot.token ? (
          <Disclosure summary={`Mechanisms of ${title}`} onToggle={(open) => open && void getMechanisms(slot.slotId)} className="token__mechanisms">
            <MechanismList slotId={slot.slotId} tokenName={title} />
          </Disclosure>
        ) : null}
      </div>
    </Card>
  );
}
