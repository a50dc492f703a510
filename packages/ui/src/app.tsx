/** The app shell: top bar and the page the URL names. */
import { ActingAs } from './components/acting-as';
import { Link } from './components/link';
import { Empty, ErrorBox, Loading } from './components/states';
import { UserMenu } from './components/user-menu';
import { TokensPage } from './features/auth/tokens-page';
import { UsersPage } from './features/auth/users-page';
import { ComparePage } from './features/compare/compare-page';
import { ExperimentsPage } from './features/experiments/experiments-page';
import { CompareVersionsPage } from './features/registry/compare-versions-page';
import { ModelPage } from './features/registry/model-page';
import { ModelsPage } from './features/registry/models-page';
import { VersionPage } from './features/registry/version-page';
import { RunPage } from './features/run/run-page';
import { RunsPage } from './features/runs/runs-page';
import { AuditLogPage } from './features/registry/audit-log-page';
import { paths, useLocation, type Route } from './lib/router';
import { loadSession, useSession } from './lib/session';

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'experiments':
      return <ExperimentsPage />;
    case 'runs':
      return <RunsPage key={route.experimentId} experimentId={route.experimentId} />;
    case 'compare':
      return <ComparePage experimentId={route.experimentId} />;
    case 'run':
      return <RunPage key={route.runId} runId={route.runId} />;
    case 'models':
      return <ModelsPage />;
    case 'model':
      return <ModelPage key={route.name} name={route.name} />;
    case 'model-version':
      return <VersionPage key={`${route.name}/${route.version}`} name={route.name} version={route.version} />;
    case 'compare-versions':
      return <CompareVersionsPage key={route.name} name={route.name} />;
    case 'registry-audit':
      return <AuditLogPage />;
    case 'tokens':
      return <TokensPage />;
    case 'admin-users':
      return <UsersPage />;
    case 'not-found':
      return (
        <div className="page">
          <Empty title="There is no page here">
            <Link href={paths.experiments()}>Go to the experiments</Link>
          </Empty>
        </div>
      );
  }
}

const MODEL_PAGES = new Set<Route['page']>(['models', 'model', 'model-version', 'compare-versions']);

export function App() {
  const { route } = useLocation();
  // Pages wait for the session: until it is known, the UI cannot tell whether to send "acting as".
  loadSession();
  const session = useSession();
  return (
    <>
      <nav className="topbar">
        <Link href={paths.experiments()} className="brand">
          <img src="/favicon.svg" alt="" width={22} height={22} />
          Loom
        </Link>
        <Link href={paths.experiments()} className={`topnav${route.page === 'experiments' ? ' active' : ''}`}>
          Experiments
        </Link>
        <Link href={paths.models()} className={`topnav${MODEL_PAGES.has(route.page) ? ' active' : ''}`}>
          Models
        </Link>
        <Link
          href={paths.registryAudit()}
          className={`topnav${route.page === 'registry-audit' ? ' active' : ''}`}
        >
          Registry audit
        </Link>
        <span className="topbar-spacer" />
        {session.status === 'on' ? <UserMenu user={session.user} /> : <ActingAs />}
        <a
          className="topnav"
          href="https://mlflow.org/docs/latest/rest-api.html"
          target="_blank"
          rel="noreferrer"
        >
          API
        </a>
      </nav>
      <main>
        {session.status === 'loading' && <Loading />}
        {session.status === 'error' && (
          <div className="page">
            <ErrorBox title="Could not reach the server" error={session.error} />
          </div>
        )}
        {(session.status === 'on' || session.status === 'off') && <Page route={route} />}
      </main>
    </>
  );
}
