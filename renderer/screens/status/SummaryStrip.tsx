// Four tiles that answer "can we start?" from the back of the room; each links to the
// section with the details.
import type { StatusSnapshot } from '../../../preload/contract';
import { Icon, StatusBadge, type IconName, type Tone } from '../../design';

interface Tile {
  id: string;
  href: string;
  icon: IconName;
  title: string;
  tone: Tone;
  word: string;
  detail: string;
}

function tiles(snapshot: StatusSnapshot): Tile[] {
  const { room, module, moduleError, tokens, usb } = snapshot;
  const failing = room.checks.filter((c) => c.status === 'fail').length;
  const warning = room.checks.filter((c) => c.status === 'warn').length;
  const ready = tokens.filter((t) => t.state === 'ready').length;
  const withToken = tokens.filter((t) => t.token !== null).length;
  const known = usb.devices.filter((d) => d.kind !== 'other').length;
  return [
    {
      id: 'room',
      href: '#room',
      icon: 'room',
      title: 'Room',
      tone: room.ready ? (warning ? 'warn' : 'pass') : 'fail',
      word: room.ready ? 'Ready' : 'Not ready',
      detail: failing ? `${failing} failing, ${warning} warning${warning === 1 ? '' : 's'}` : warning ? `${warning} warning${warning === 1 ? '' : 's'}` : `All ${room.checks.length} checks pass`,
    },
    {
      id: 'module',
      href: '#module',
      icon: 'module',
      title: 'PKCS#11 module',
      tone: module ? 'pass' : 'fail',
      word: module ? 'Loaded' : 'Not loaded',
      detail: module ? module.libraryDescription || module.path : (moduleError?.message ?? 'No module configured'),
    },
    {
      id: 'tokens',
      href: '#tokens',
      icon: 'token',
      title: 'Tokens',
      tone: ready > 0 ? 'pass' : withToken > 0 ? 'warn' : 'fail',
      word: `${ready} ready`,
      detail: `${tokens.length} slot${tokens.length === 1 ? '' : 's'}, ${withToken} with a token`,
    },
    {
      id: 'usb',
      href: '#usb',
      icon: 'usb',
      title: 'USB',
      tone: usb.available ? 'pass' : 'warn',
      word: usb.available ? 'Watching' : 'Unavailable',
      detail: usb.available ? `${known} known device${known === 1 ? '' : 's'} attached` : 'Attach and detach cannot be seen',
    },
  ];
}

export function SummaryStrip({ snapshot }: { snapshot: StatusSnapshot }) {
  return (
    <nav className="summary" aria-label="Summary">
      <ul className="summary__list">
        {tiles(snapshot).map((tile) => (
          <li key={tile.id}>
            <a className={`summary__tile summary__tile--${tile.tone}`} href={tile.href} data-testid={`summary-${tile.id}`}>
              <span className="summary__title">
                <Icon name={tile.icon} />
                {tile.title}
              </span>
              <StatusBadge tone={tile.tone} label={tile.word} size="large" />
              <span className="summary__detail">{tile.detail}</span>
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
